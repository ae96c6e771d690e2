#include "support/random_graph.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <stdlib.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace mmgraph::test {

namespace {

bool is_signed_code(TypeCode c) { return c >= TypeCode::int8 && c <= TypeCode::int64; }
bool is_unsigned_code(TypeCode c) { return c >= TypeCode::uint8 && c <= TypeCode::uint64; }
bool is_float_code(TypeCode c) { return c == TypeCode::float32 || c == TypeCode::float64; }

std::string float_text(double f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "f:%a", f);
    return buf;
}

std::string hex_text(const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out = "x:";
    for (size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::string scalar_text(TypeCode c, int64_t i, uint64_t u, double f, bool b, const std::string& s) {
    if (c == TypeCode::boolean) return b ? "t:1" : "t:0";
    if (is_signed_code(c)) return "i:" + std::to_string(i);
    if (is_unsigned_code(c)) return "u:" + std::to_string(u);
    if (is_float_code(c)) return float_text(f);
    if (c == TypeCode::string) return "s:" + s;
    if (c == TypeCode::bytes) return hex_text(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    return "r:" + s;
}

int64_t random_signed(std::mt19937_64& rng, unsigned bytes) {
    uint64_t bits = rng();
    if (bytes == 8) return static_cast<int64_t>(bits);
    unsigned shift = 64 - 8 * bytes;
    return static_cast<int64_t>(bits << shift) >> shift;  // sign-extend
}

uint64_t random_unsigned(std::mt19937_64& rng, unsigned bytes) {
    uint64_t bits = rng();
    return bytes == 8 ? bits : bits & ((uint64_t{1} << (8 * bytes)) - 1);
}

std::string random_text(std::mt19937_64& rng, double long_rate) {
    std::uniform_real_distribution<double> unit(0, 1);
    size_t n;
    if (unit(rng) < long_rate) n = 300 + rng() % 70000;
    else if (unit(rng) < 0.1) n = 0;
    else n = rng() % 20;
    std::string s(n, ' ');
    for (auto& ch : s) ch = static_cast<char>('a' + rng() % 26);
    if (n > 2 && rng() % 4 == 0) s[1] = ',', s[2] = '"';  // quoting-hostile bytes
    return s;
}

}  // namespace

Value ModelValue::to_value(KeyType key_type) const {
    if (null) return Value::null();
    TypeCode c = type.element();
    auto key_for = [&](const std::string& k) -> Key {
        if (key_type == KeyType::int64) return static_cast<int64_t>(std::strtoll(k.c_str(), nullptr, 10));
        return std::string_view(k);
    };
    if (!type.is_list()) {
        if (c == TypeCode::boolean) return Value(b);
        if (is_signed_code(c)) return Value(static_cast<long long>(i));
        if (is_unsigned_code(c)) return Value(static_cast<unsigned long long>(u));
        if (is_float_code(c)) return Value(f);
        if (c == TypeCode::string) return Value(std::string_view(s));
        if (c == TypeCode::bytes) return Value::bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
        return Value::ref(key_for(s));
    }
    if (c == TypeCode::vertex_ref) {
        ref_storage.clear();
        for (const auto& k : refs) ref_storage.push_back(key_for(k));
        return Value::ref_list(ref_storage);
    }
    if (format::has_variable_items(type.byte)) {
        str_storage.assign(strs.begin(), strs.end());
        return Value::list(str_storage);
    }
    unsigned size = format::scalar_size(static_cast<uint8_t>(c));
    size_t count = is_float_code(c) ? floats.size() : is_unsigned_code(c) ? uints.size() : ints.size();
    list_storage.assign(count * size + 8, 0);
    for (size_t k = 0; k < count; ++k) {
        uint8_t* p = list_storage.data() + k * size;
        if (c == TypeCode::float32) {
            float x = static_cast<float>(floats[k]);
            std::memcpy(p, &x, 4);
        } else if (c == TypeCode::float64) {
            std::memcpy(p, &floats[k], 8);
        } else if (is_unsigned_code(c)) {
            std::memcpy(p, &uints[k], size);
        } else {
            std::memcpy(p, &ints[k], size);
        }
    }
    const void* d = list_storage.data();
    switch (c) {
        case TypeCode::boolean: return Value::list(std::span(static_cast<const bool*>(d), count));
        case TypeCode::int8: return Value::list(std::span(static_cast<const int8_t*>(d), count));
        case TypeCode::int16: return Value::list(std::span(static_cast<const int16_t*>(d), count));
        case TypeCode::int32: return Value::list(std::span(static_cast<const int32_t*>(d), count));
        case TypeCode::int64: return Value::list(std::span(static_cast<const int64_t*>(d), count));
        case TypeCode::uint8: return Value::list(std::span(static_cast<const uint8_t*>(d), count));
        case TypeCode::uint16: return Value::list(std::span(static_cast<const uint16_t*>(d), count));
        case TypeCode::uint32: return Value::list(std::span(static_cast<const uint32_t*>(d), count));
        case TypeCode::uint64: return Value::list(std::span(static_cast<const uint64_t*>(d), count));
        case TypeCode::float32: return Value::list(std::span(static_cast<const float*>(d), count));
        default: return Value::list(std::span(static_cast<const double*>(d), count));
    }
}

std::string ModelValue::text() const {
    if (null) return "null";
    TypeCode c = type.element();
    if (!type.is_list()) return scalar_text(c, i, u, c == TypeCode::float32 ? static_cast<float>(f) : f, b, s);
    std::string out = "[";
    size_t count = c == TypeCode::vertex_ref                 ? refs.size()
                   : format::has_variable_items(type.byte) ? strs.size()
                   : is_float_code(c)                      ? floats.size()
                   : is_unsigned_code(c)                   ? uints.size()
                                                           : ints.size();
    for (size_t k = 0; k < count; ++k) {
        if (k) out += ",";
        if (c == TypeCode::vertex_ref) out += "r:" + refs[k];
        else if (c == TypeCode::string || c == TypeCode::bytes) out += scalar_text(c, 0, 0, 0, false, strs[k]);
        else if (is_float_code(c)) out += float_text(c == TypeCode::float32 ? static_cast<float>(floats[k]) : floats[k]);
        else if (is_unsigned_code(c)) out += "u:" + std::to_string(uints[k]);
        else if (c == TypeCode::boolean) out += ints[k] ? "t:1" : "t:0";
        else out += "i:" + std::to_string(ints[k]);
    }
    return out + "]";
}

Model random_model(const RandomGraphOptions& o) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> unit(0, 1);
    Model m;
    m.key_type = o.int_keys ? KeyType::int64 : KeyType::string;

    const std::vector<Type> all_types = {
        TypeCode::boolean, TypeCode::int8, TypeCode::int16, TypeCode::int32, TypeCode::int64,
        TypeCode::uint8, TypeCode::uint16, TypeCode::uint32, TypeCode::uint64, TypeCode::float32,
        TypeCode::float64, TypeCode::vertex_ref, TypeCode::string, TypeCode::bytes,
        Type::list_of(TypeCode::int32), Type::list_of(TypeCode::float64), Type::list_of(TypeCode::boolean),
        Type::list_of(TypeCode::uint16), Type::list_of(TypeCode::vertex_ref), Type::list_of(TypeCode::float32),
        TypeCode::string, Type::list_of(TypeCode::string), Type::list_of(TypeCode::bytes)};
    for (uint32_t l = 0; l < o.labels; ++l) {
        std::vector<AttributeSpec> attrs;
        bool bare = o.labels >= 3 && l == o.labels - 1;  // one label without attributes
        if (o.properties && !bare)
            for (size_t j = 0; j < all_types.size(); ++j)
                attrs.push_back({"a" + std::to_string(j) + "_" + all_types[j].name(), all_types[j], (j + l) % 2 == 0});
        m.labels.emplace_back("Label" + std::to_string(l), std::move(attrs));
    }
    for (uint32_t t = 0; t < o.edge_types; ++t) {
        std::vector<AttributeSpec> props;
        if (o.properties && t % 2 == 0) {
            props.push_back({"weight", TypeCode::int32, false});
            props.push_back({"note", TypeCode::string, true});
            props.push_back({"flags", Type::list_of(TypeCode::uint8), t % 4 == 0});
            props.push_back({"score", TypeCode::float64, true});
            props.push_back({"tags", Type::list_of(TypeCode::string), t % 4 != 0});
        }
        m.edge_types.emplace_back("TYPE_" + std::to_string(t), std::move(props));
    }
    for (uint32_t v = 0; v < o.vertices; ++v) {
        ModelVertex mv;
        mv.key = o.int_keys ? std::to_string(static_cast<int64_t>(v) * 7919 - 50000) : "v" + std::to_string(v);
        mv.label = static_cast<uint32_t>(rng() % std::max<uint32_t>(1, o.labels));
        m.vertices.push_back(std::move(mv));
    }
    auto random_value = [&](const AttributeSpec& a) {
        ModelValue x;
        x.type = a.type;
        if (a.nullable && unit(rng) < o.null_rate) return x;
        x.null = false;
        TypeCode c = a.type.element();
        unsigned size = format::scalar_size(static_cast<uint8_t>(c));
        auto key = [&] { return m.vertices[rng() % m.vertices.size()].key; };
        if (!a.type.is_list()) {
            if (c == TypeCode::boolean) x.b = rng() % 2;
            else if (is_signed_code(c)) x.i = random_signed(rng, size);
            else if (is_unsigned_code(c)) x.u = random_unsigned(rng, size);
            else if (is_float_code(c)) x.f = std::ldexp(unit(rng) - 0.5, static_cast<int>(rng() % 40) - 20);
            else if (c == TypeCode::string || c == TypeCode::bytes) x.s = random_text(rng, o.long_string_rate);
            else x.s = key();
            return x;
        }
        size_t n = rng() % 6;
        for (size_t k = 0; k < n; ++k) {
            if (c == TypeCode::vertex_ref) x.refs.push_back(key());
            else if (c == TypeCode::string || c == TypeCode::bytes) x.strs.push_back(random_text(rng, o.long_string_rate / 4));
            else if (is_float_code(c)) x.floats.push_back(std::ldexp(unit(rng), static_cast<int>(rng() % 10)));
            else if (is_unsigned_code(c)) x.uints.push_back(random_unsigned(rng, size));
            else if (c == TypeCode::boolean) x.ints.push_back(static_cast<int64_t>(rng() % 2));
            else x.ints.push_back(random_signed(rng, size));
        }
        return x;
    };
    for (auto& mv : m.vertices)
        for (const auto& a : m.labels[mv.label].second) mv.values.push_back(random_value(a));
    if (!m.vertices.empty() && o.edge_types > 0) {
        for (uint32_t e = 0; e < o.edges; ++e) {
            ModelEdge me;
            if (e > 0 && unit(rng) < 0.1) {
                me = m.edges.back();  // multi-edge
                me.props.clear();
            } else {
                me.src = static_cast<uint32_t>(rng() % m.vertices.size());
                me.dst = unit(rng) < 0.05 ? me.src : static_cast<uint32_t>(rng() % m.vertices.size());
                me.type = static_cast<uint32_t>(rng() % o.edge_types);
            }
            for (const auto& p : m.edge_types[me.type].second) me.props.push_back(random_value(p));
            m.edges.push_back(std::move(me));
        }
    }
    return m;
}

WriteStats write_model(const Model& model, WriterOptions options, const std::filesystem::path& path) {
    options.key_type = model.key_type;
    Writer w(options);
    for (const auto& [name, attrs] : model.labels) w.add_label(name, attrs);
    for (const auto& [name, props] : model.edge_types) w.add_edge_type(name, props);
    auto key = [&](const std::string& k) -> Key {
        if (model.key_type == KeyType::int64) return static_cast<int64_t>(std::strtoll(k.c_str(), nullptr, 10));
        return std::string_view(k);
    };
    std::vector<Value> values;
    for (const auto& v : model.vertices) {
        values.clear();
        for (const auto& x : v.values) values.push_back(x.to_value(model.key_type));
        w.add_vertex(key(v.key), v.label, values);
    }
    for (const auto& e : model.edges) {
        values.clear();
        for (const auto& x : e.props) values.push_back(x.to_value(model.key_type));
        w.add_edge(key(model.vertices[e.src].key), key(model.vertices[e.dst].key), e.type, values);
    }
    return w.finish(path);
}

std::string canonical(const ValueRef& value, const std::function<std::string(VertexRef)>& key_of) {
    if (value.is_null()) return "null";
    Type type = value.type();
    auto scalar = [&](const ValueRef& v) -> std::string {
        TypeCode c = v.type().element();
        if (c == TypeCode::boolean) return v.as_bool() ? "t:1" : "t:0";
        if (is_signed_code(c)) return "i:" + std::to_string(v.as_int());
        if (is_unsigned_code(c)) return "u:" + std::to_string(v.as_uint());
        if (is_float_code(c)) return float_text(v.as_double());
        if (c == TypeCode::string) return "s:" + std::string(v.as_string());
        if (c == TypeCode::bytes) return hex_text(v.as_bytes().data(), v.as_bytes().size());
        if (c == TypeCode::date) return "d:" + std::to_string(v.as_date_days());
        return "r:" + key_of(v.as_ref());
    };
    if (!type.is_list()) return scalar(value);
    std::string out = "[";
    for (uint64_t k = 0; k < value.list_size(); ++k) {
        if (k) out += ",";
        out += scalar(value.element(k));
    }
    return out + "]";
}

IntKeyedWriter::IntKeyedWriter() : writer([] {
    WriterOptions options;
    options.key_type = KeyType::int64;
    return options;
}()) {
    plain = writer.add_label("V");
    counted = writer.add_label("W", {{"n", TypeCode::int64}});
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mmgraph-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out.good()) throw std::runtime_error("cannot write " + path.string());
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace mmgraph::test
