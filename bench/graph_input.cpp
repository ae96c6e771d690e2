#include "graph_input.hpp"

#include <algorithm>

#include "mmgraph/import/csv.hpp"
#include "mmgraph/error.hpp"

namespace mmgraph::bench {

namespace {

// Counting sort of (source, target) pairs into the CSR, keeping input order per source.
void build_csr(InputGraph& g, uint64_t vertices, const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
    g.offsets.assign(vertices + 1, 0);
    for (uint32_t f : from) ++g.offsets[f + 1];
    for (uint64_t v = 0; v < vertices; ++v) g.offsets[v + 1] += g.offsets[v];
    g.targets.resize(from.size());
    std::vector<uint64_t> cursor(g.offsets.begin(), g.offsets.end() - 1);
    for (size_t e = 0; e < from.size(); ++e) g.targets[cursor[from[e]]++] = to[e];
}

int column_named(const importer::CsvRecord& header, std::string_view role) {
    for (size_t i = 0; i < header.fields.size(); ++i) {
        std::string_view text = header.fields[i].text;
        if (text.size() >= role.size() && text.substr(text.size() - role.size()) == role) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

Key InputGraph::key(uint32_t v) const {
    if (int_keys) return int_key[v];
    return std::string_view(key_bytes.data() + key_begin[v], key_begin[v + 1] - key_begin[v]);
}

std::optional<uint32_t> InputGraph::find(const Key& key) const {
    if (int_keys) {
        auto it = int_index.find(std::get<int64_t>(key));
        if (it == int_index.end()) return std::nullopt;
        return it->second;
    }
    auto it = string_index.find(std::get<std::string_view>(key));
    if (it == string_index.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string_view> InputGraph::attribute(uint32_t v) const {
    if (attribute_present.empty() || !attribute_present[v]) return std::nullopt;
    return std::string_view(attribute_bytes.data() + attribute_begin[v], attribute_begin[v + 1] - attribute_begin[v]);
}

uint32_t InputGraph::busiest_vertex() const {
    uint32_t best = 0;
    for (uint32_t v = 1; v < vertex_count(); ++v)
        if (out_degree(v) > out_degree(best)) best = v;
    return best;
}

InputGraph load_edge_list(const std::vector<std::string>& paths) {
    InputGraph g;
    g.int_keys = true;
    std::vector<uint32_t> from, to;
    auto vertex_of = [&](int64_t key) {
        auto [it, added] = g.int_index.try_emplace(key, static_cast<uint32_t>(g.int_key.size()));
        if (added) g.int_key.push_back(key);
        return it->second;
    };
    for (const std::string& path : paths) {
        importer::InputBuffer input(path);
        g.input_bytes += input.size();
        importer::EdgeListReader reader(input);
        g.int_index.reserve(g.int_index.size() + input.size() / 64);
        from.reserve(from.size() + input.size() / 12);
        to.reserve(to.size() + input.size() / 12);
        int64_t a = 0, b = 0;
        while (reader.next(a, b)) {
            from.push_back(vertex_of(a));
            to.push_back(vertex_of(b));
        }
    }
    if (g.int_key.empty()) throw Error(ErrorKind::bad_input, "the edge list has no edges");
    build_csr(g, g.int_key.size(), from, to);
    return g;
}

InputGraph graph_of_ids(uint64_t vertices, const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
    InputGraph g;
    g.int_keys = true;
    g.int_key.resize(vertices);
    g.int_index.reserve(vertices);
    for (uint32_t v = 0; v < vertices; ++v) {
        g.int_key[v] = v;
        g.int_index.emplace(v, v);
    }
    build_csr(g, vertices, from, to);
    return g;
}

InputGraph load_csv(const std::vector<std::string>& node_files, const std::vector<std::string>& edge_files,
                    const std::string& attribute) {
    InputGraph g;
    g.key_begin.push_back(0);
    g.attribute_begin.push_back(0);
    importer::CsvRecord record;
    for (const std::string& path : node_files) {
        importer::InputBuffer input(path);
        g.input_bytes += input.size();
        importer::CsvReader reader(input, ',');
        if (!reader.next(record)) throw Error(ErrorKind::bad_input, path + ": no header");
        int key = column_named(record, ":ID");
        if (key < 0) throw Error(ErrorKind::bad_input, path + ": no :ID column");
        int probed = -1;
        for (size_t i = 0; i < record.fields.size(); ++i) {
            std::string_view text = record.fields[i].text;
            if (text == attribute || text == attribute + ":string") probed = static_cast<int>(i);
        }
        while (reader.next(record)) {
            std::string_view k = record.fields.at(static_cast<size_t>(key)).text;
            g.key_bytes.insert(g.key_bytes.end(), k.begin(), k.end());
            g.key_begin.push_back(g.key_bytes.size());
            // As the CLI reads it: an empty unquoted field is null, a quoted one is "".
            const importer::CsvField* value = probed >= 0 ? &record.fields.at(static_cast<size_t>(probed)) : nullptr;
            bool present = value && (!value->text.empty() || value->quoted);
            if (present) g.attribute_bytes.insert(g.attribute_bytes.end(), value->text.begin(), value->text.end());
            g.attribute_begin.push_back(g.attribute_bytes.size());
            g.attribute_present.push_back(present ? 1 : 0);
        }
    }
    uint64_t vertices = g.key_begin.size() - 1;
    if (vertices == 0) throw Error(ErrorKind::bad_input, "the node files hold no vertices");
    g.string_index.reserve(vertices);
    for (uint32_t v = 0; v < vertices; ++v)
        if (!g.string_index.emplace(std::get<std::string_view>(g.key(v)), v).second)
            throw Error(ErrorKind::bad_input, "duplicate key " + key_to_string(g.key(v)));
    std::vector<uint32_t> from, to;
    for (const std::string& path : edge_files) {
        importer::InputBuffer input(path);
        g.input_bytes += input.size();
        importer::CsvReader reader(input, ',');
        if (!reader.next(record)) throw Error(ErrorKind::bad_input, path + ": no header");
        int start = column_named(record, ":START_ID"), end = column_named(record, ":END_ID");
        if (start < 0 || end < 0) throw Error(ErrorKind::bad_input, path + ": no :START_ID or :END_ID column");
        auto vertex_of = [&](size_t column) {
            auto it = g.string_index.find(record.fields.at(column).text);
            if (it == g.string_index.end()) throw Error(ErrorKind::bad_input, path + ": unknown vertex " + std::string(record.fields[column].text));
            return it->second;
        };
        while (reader.next(record)) {
            from.push_back(vertex_of(static_cast<size_t>(start)));
            to.push_back(vertex_of(static_cast<size_t>(end)));
        }
    }
    build_csr(g, vertices, from, to);
    return g;
}

}  // namespace mmgraph::bench
