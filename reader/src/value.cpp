// ValueRef: typed reads of one value inside the mapping. The bytes were bounds-checked when
// the ValueRef was made; these accessors only check that the caller asked for the right type.
#include <cstring>

#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/vlq.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph {

void ValueRef::expect(bool ok, const char* wanted) const {
    if (!present_) throw Error(ErrorKind::misuse, std::string("value is null, expected ") + wanted);
    if (!ok) throw Error(ErrorKind::misuse, "value of type " + type_.name() + " read as " + wanted);
}

bool ValueRef::as_bool() const {
    expect(!type_.is_list() && type_.element() == TypeCode::boolean, "bool");
    return data_[0] != 0;
}

int64_t ValueRef::as_int() const {
    expect(!type_.is_list() && type_.element() >= TypeCode::int8 && type_.element() <= TypeCode::uint64, "integer");
    switch (type_.element()) {
        case TypeCode::int8: return format::load<int8_t>(data_);
        case TypeCode::int16: return format::load<int16_t>(data_);
        case TypeCode::int32: return format::load<int32_t>(data_);
        case TypeCode::int64: return format::load<int64_t>(data_);
        case TypeCode::uint8: return format::load<uint8_t>(data_);
        case TypeCode::uint16: return format::load<uint16_t>(data_);
        case TypeCode::uint32: return format::load<uint32_t>(data_);
        default: return static_cast<int64_t>(format::load<uint64_t>(data_));
    }
}

uint64_t ValueRef::as_uint() const {
    expect(!type_.is_list() && type_.element() >= TypeCode::uint8 && type_.element() <= TypeCode::uint64, "unsigned integer");
    return format::load_uint(data_, format::scalar_size(type_.byte));
}

double ValueRef::as_double() const {
    expect(!type_.is_list() && (type_.element() == TypeCode::float32 || type_.element() == TypeCode::float64), "float");
    if (type_.element() == TypeCode::float32) return format::load<float>(data_);
    return format::load<double>(data_);
}

std::string_view ValueRef::as_string() const {
    expect(!type_.is_list() && type_.element() == TypeCode::string, "string");
    return {reinterpret_cast<const char*>(data_), size_};
}

std::span<const uint8_t> ValueRef::as_bytes() const {
    expect(true, "bytes");
    return {data_, size_};
}

VertexRef ValueRef::as_ref() const {
    expect(!type_.is_list() && type_.element() == TypeCode::vertex_ref, "vertex_ref");
    uint64_t v = format::load_u48(data_);
    return {static_cast<uint16_t>(v >> format::kRefShardShift), static_cast<uint32_t>(v & format::kLocalIndexMask)};
}

int32_t ValueRef::as_date_days() const {
    expect(!type_.is_list() && type_.element() == TypeCode::date, "date");
    return format::load<int32_t>(data_);
}

LocalTime ValueRef::as_localtime() const {
    expect(!type_.is_list() && type_.element() == TypeCode::localtime, "localtime");
    return format::decode_localtime(data_);
}
Time ValueRef::as_time() const {
    expect(!type_.is_list() && type_.element() == TypeCode::time, "time");
    return format::decode_time(data_);
}
LocalDateTime ValueRef::as_localdatetime() const {
    expect(!type_.is_list() && type_.element() == TypeCode::localdatetime, "localdatetime");
    return format::decode_localdatetime(data_);
}
DateTime ValueRef::as_datetime() const {
    expect(!type_.is_list() && type_.element() == TypeCode::datetime, "datetime");
    return format::decode_datetime(data_);
}
Duration ValueRef::as_duration() const {
    expect(!type_.is_list() && type_.element() == TypeCode::duration, "duration");
    return format::decode_duration(data_);
}
Point ValueRef::as_point() const {
    expect(!type_.is_list() && type_.element() == TypeCode::point, "point");
    return format::decode_point(data_);
}

namespace {

// The item of a string[] or bytes[] list that starts at p, moving p past it. The items' bounds
// were checked when the list's ValueRef was made (File::Impl::attribute).
ValueRef next_item(Type item_type, const uint8_t*& p, const uint8_t* end) {
    uint64_t length = 0;
    p += format::vlq_decode(p, static_cast<size_t>(end - p), length);
    ValueRef item(item_type, p, length, 1);
    p += length;
    return item;
}

}  // namespace

ValueRef ValueRef::element(uint64_t i) const {
    expect(type_.is_list(), "list");
    if (i >= count_) throw Error(ErrorKind::misuse, "list index " + std::to_string(i) + " out of range (" + std::to_string(count_) + " items)");
    if (!format::has_variable_items(type_.byte)) {
        unsigned size = format::scalar_size(static_cast<uint8_t>(type_.element()));
        return ValueRef(Type(type_.element()), data_ + i * size, size, 1);
    }
    const uint8_t* p = data_;
    for (uint64_t j = 0; j < i; ++j) next_item(Type(type_.element()), p, data_ + size_);
    return next_item(Type(type_.element()), p, data_ + size_);
}

std::vector<ValueRef> ValueRef::elements() const {
    expect(type_.is_list(), "list");
    std::vector<ValueRef> items;
    items.reserve(count_);
    const uint8_t* p = data_;
    for (uint64_t i = 0; i < count_; ++i)
        items.push_back(format::has_variable_items(type_.byte) ? next_item(Type(type_.element()), p, data_ + size_) : element(i));
    return items;
}

}  // namespace mmgraph
