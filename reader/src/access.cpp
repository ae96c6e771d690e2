// Conveniences over the reader's access API, built on its public calls: typed reads
// (ValueRef::as<T>, Vertex::get<T>), a vertex's attributes by name, the vertices of one label
// and edge properties by name.
#include <string>

#include "mmgraph/reader.hpp"

namespace mmgraph {

using detail::ReadTarget;

namespace {

bool is_signed_code(TypeCode code) { return code >= TypeCode::int8 && code <= TypeCode::int64; }
bool is_unsigned_code(TypeCode code) { return code >= TypeCode::uint8 && code <= TypeCode::uint64; }

std::string target_name(ReadTarget target) {
    switch (target.kind) {
    case ReadTarget::boolean: return "bool";
    case ReadTarget::signed_integer: return "int" + std::to_string(8 * target.bytes) + "_t";
    case ReadTarget::unsigned_integer: return "uint" + std::to_string(8 * target.bytes) + "_t";
    case ReadTarget::floating: return "double";
    case ReadTarget::string: return "std::string_view";
    case ReadTarget::vertex_ref: return "VertexRef";
    case ReadTarget::date: return "std::chrono::sys_days";
    case ReadTarget::temporal: return "mmgraph::" + std::string(format::scalar_name(target.bytes)) + " struct";
    case ReadTarget::any: return "ValueRef";
    }
    return "?";
}

}  // namespace

// ---- typed reads ----------------------------------------------------------------------------

bool ValueRef::fits(ReadTarget target) const noexcept {
    if (target.kind == ReadTarget::any) return true;
    if (type_.is_list()) return false;
    const TypeCode code = type_.element();
    const unsigned bytes = is_signed_code(code) || is_unsigned_code(code) ? format::scalar_size(type_.byte) : 0;
    switch (target.kind) {
    case ReadTarget::boolean: return code == TypeCode::boolean;
    // A signed type fits a signed target at least as wide; an unsigned one, a wider target.
    case ReadTarget::signed_integer:
        return (is_signed_code(code) && bytes <= target.bytes) || (is_unsigned_code(code) && bytes < target.bytes);
    case ReadTarget::unsigned_integer: return is_unsigned_code(code) && bytes <= target.bytes;
    case ReadTarget::floating: return code == TypeCode::float32 || code == TypeCode::float64;
    case ReadTarget::string: return code == TypeCode::string;
    case ReadTarget::vertex_ref: return code == TypeCode::vertex_ref;
    case ReadTarget::date: return code == TypeCode::date;
    case ReadTarget::temporal: return static_cast<uint8_t>(code) == target.bytes;
    case ReadTarget::any: return true;
    }
    return false;
}

void ValueRef::fail_read(ReadTarget target, std::string_view attribute) const {
    const std::string what = attribute.empty() ? "value" : "attribute '" + std::string(attribute) + "'";
    if (!present_) throw Error(ErrorKind::misuse, what + " is null, read as " + target_name(target));
    throw Error(ErrorKind::misuse, what + " of type " + type_.name() + " read as " + target_name(target));
}

// ---- a vertex's attributes ------------------------------------------------------------------

std::string_view Vertex::attribute_name(AttributeHandle handle) const {
    return file_->labels()[handle.label].attributes[handle.index].name;
}

AttributeRange Vertex::attributes() const { return AttributeRange(*this, file_->label_set_layout(label_set())); }

// ---- the vertices of one label --------------------------------------------------------------

File::LabelVertexRange File::vertices(uint32_t label) const {
    if (label >= labels().size())
        throw Error(ErrorKind::misuse, path().string() + ": no label " + std::to_string(label) + " (the file has " +
                                           std::to_string(labels().size()) + ")");
    return LabelVertexRange(this, label);
}

File::LabelVertexRange::iterator File::LabelVertexRange::begin() const {
    iterator it;
    it.file_ = file_;
    it.label_ = label_;
    it.remaining_ = file_->labels()[label_].count;
    if (it.remaining_ > 0) it.seek();
    return it;
}

void File::LabelVertexRange::iterator::seek() {
    const uint64_t n = file_->vertex_count();
    while (index_ < n && !Vertex(file_, static_cast<uint32_t>(index_)).has_label(label_)) ++index_;
    // Past the last vertex before the schema's count was reached: only a damaged file (verify
    // checks the counts) gets here, and the range ends.
    if (index_ >= n) remaining_ = 0;
}

// ---- edge properties by name ----------------------------------------------------------------

ValueRef File::property(const Edge& edge, std::string_view name) const {
    const auto types = edge_types();
    if (edge.type >= types.size())
        throw Error(ErrorKind::misuse, path().string() + ": no edge type " + std::to_string(edge.type));
    auto index = types[edge.type].find(name);
    if (!index)
        throw Error(ErrorKind::misuse, path().string() + ": edge type '" + std::string(types[edge.type].name) +
                                           "' has no property '" + std::string(name) + "'");
    return property(edge, *index);
}

}  // namespace mmgraph
