// Inspection API (mmgraph/anatomy.hpp): one vertex's bytes as named fields.
//
// Index: 1. value text   2. slots (§5.1)   3. node record (§6)   4. adjacency records (§7)
//        5. key table slot, key index entry (§8.1)   6. header and directory (§2, §3)   7. owner_of
//        8. NeighbourList
//
// Every read goes through Region (bounds.hpp). The describers append fields as they decode, so
// when a damaged field throws, the fields before it stay and the error is recorded.
#include "mmgraph/anatomy.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "internal.hpp"
#include "mmgraph/format/date.hpp"
#include "mmgraph/format/temporal.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"
#include "mmgraph/format/vlq.hpp"

namespace mmgraph {

using detail::hex;
using detail::Region;

std::string_view part_name(Part part) {
    switch (part) {
        case Part::header: return "header";
        case Part::directory: return "directory";
        case Part::slot: return "vertex slots";
        case Part::node: return "node record";
        case Part::out_edges: return "out_edges record";
        case Part::in_edges: return "in_edges record";
        case Part::key_index: return "key index";
        case Part::out_runs: return "out_runs entries";
        case Part::in_runs: return "in_runs entries";
    }
    return "unknown";
}

const FieldSpan* VertexAnatomy::field_at(uint64_t file_offset) const {
    for (const FieldSpan& f : fields)
        if (file_offset >= f.offset && file_offset - f.offset < f.size) return &f;
    return nullptr;
}

// ---- 1. value text --------------------------------------------------------------------------

namespace {

std::string scalar_text(const ValueRef& v) {
    char buf[64];
    switch (v.type().element()) {
        case TypeCode::boolean: return v.as_bool() ? "true" : "false";
        case TypeCode::uint64: return std::to_string(v.as_uint());
        case TypeCode::float32:
        case TypeCode::float64: std::snprintf(buf, sizeof buf, "%.9g", v.as_double()); return buf;
        case TypeCode::vertex_ref: {
            VertexRef r = v.as_ref();
            return "shard " + std::to_string(r.shard) + " vertex " + std::to_string(r.index);
        }
        case TypeCode::date: return format::date_to_iso(v.as_date_days());
        case TypeCode::datetime: {  // the zone as its string id: the anatomy shows bytes, not names
            const DateTime t = v.as_datetime();
            const std::string text = format::temporal_to_text(v.type().byte, v.as_bytes().data());
            return t.zone ? text + " zone string " + std::to_string(t.zone - 1) : text;
        }
        case TypeCode::localtime:
        case TypeCode::time:
        case TypeCode::localdatetime:
        case TypeCode::duration:
        case TypeCode::point: return format::temporal_to_text(v.type().byte, v.as_bytes().data());
        default: return std::to_string(v.as_int());
    }
}

std::string quoted(std::string_view s, size_t max_chars) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < max_chars; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') out += '\\';
        if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    if (s.size() > max_chars) out += "... (" + std::to_string(s.size()) + " bytes)";
    return out;
}

}  // namespace

std::string value_text(const ValueRef& value, size_t max_chars) {
    if (value.is_null()) return "null";
    Type type = value.type();
    if (type.is_list()) {
        std::string out = "[";
        for (uint64_t i = 0; i < value.list_size(); ++i) {
            if (out.size() > max_chars) {
                out += "... " + std::to_string(value.list_size()) + " items";
                break;
            }
            ValueRef item = value.element(i);  // O(i) for string[] and bytes[], bounded by max_chars
            out += (i ? ", " : "") + (item.type().is_fixed() ? scalar_text(item) : value_text(item, max_chars));
        }
        return out + "]";
    }
    if (type.element() == TypeCode::string) return quoted(value.as_string(), max_chars);
    if (type.element() == TypeCode::bytes || !type.is_fixed()) {
        auto bytes = value.as_bytes();
        std::string out = "0x";
        char buf[4];
        for (size_t i = 0; i < bytes.size() && i < max_chars / 2; ++i) {
            std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
            out += buf;
        }
        if (bytes.size() > max_chars / 2) out += "... (" + std::to_string(bytes.size()) + " bytes)";
        if (bytes.empty()) out = "empty";
        return out;
    }
    return scalar_text(value);
}

namespace {

// How a variable-size type's VLQ prefix counts its payload (§6.4). A new variable type gets a
// case here; an unknown one is shown as its prefix alone.
struct VariableLayout {
    bool known = false;
    const char* unit = "";     // what the prefix counts
    uint64_t unit_size = 0;    // payload bytes per counted unit; 0 when each item has its own prefix
};

VariableLayout variable_layout(Type type) {
    if (type.is_list()) {
        unsigned size = format::scalar_size(static_cast<uint8_t>(type.element()));
        if (size) return {true, "elements", size};
        if (format::has_variable_items(type.byte)) return {true, "items", 0};  // each item sized by its own prefix
        return {};
    }
    switch (type.element()) {
        case TypeCode::string:
        case TypeCode::bytes: return {true, "bytes", 1};
        default: return {};
    }
}

std::vector<BitField> reference_bits(uint64_t word, bool with_shard) {
    std::vector<BitField> bits{{"local index", 0, 31, word & format::kLocalIndexMask},
                               {"T (terminator)", 31, 1, (word >> 31) & 1}};
    if (with_shard) bits.push_back({"shard id", 32, 16, (word >> format::kRefShardShift) & 0xFFFF});
    return bits;
}

// Appends fields while decoding; `region` offsets are turned into file offsets.
struct Builder {
    VertexAnatomy& out;
    Part part = Part::node;
    const Region* region = nullptr;

    FieldSpan& add(uint64_t off, uint64_t size, std::string name, std::string value = {}) {
        region->at(off, size, "field");
        out.fields.push_back({region->file_offset + off, size, part, std::move(name), std::move(value), {}});
        return out.fields.back();
    }
};

// ---- 2. slots -------------------------------------------------------------------------------

void describe_slots(const File::Impl& m, uint32_t index, VertexAnatomy& out) {
    Builder b{out, Part::slot, &m.vertices};
    uint64_t base = m.table_head + uint64_t{index} * m.slot_count * 8;
    m.vertices.at(base, uint64_t{m.slot_count} * 8, "vertex slots");
    out.records.push_back({Part::slot, m.vertices.file_offset + base, uint64_t{m.slot_count} * 8});
    const char* roles[3] = {"nodes", "out_edges", "in_edges"};
    int which[3] = {m.node_slot, m.out_slot, m.in_slot};
    for (int r = 0; r < 3; ++r) {
        if (which[r] < 0) continue;
        uint64_t at = base + static_cast<uint64_t>(which[r]) * 8;
        uint64_t value = m.vertices.read<uint64_t>(at, "vertex slot");
        uint64_t domain = value >> format::kSlotDomainShift;
        uint64_t offset = value & format::kSlotOffsetMask;
        std::string text = value == 0 ? "no record" : "domain " + std::to_string(domain) + " offset " + hex(offset);
        FieldSpan& f = b.add(at, 8, std::string("slot ") + roles[r], text);
        f.bits = {{"L (local)", 0, 1, value & 1},
                  {"R (reserved)", 1, 1, (value >> 1) & 1},
                  {"record offset", 0, 48, offset},
                  {"domain id", 48, 16, domain}};
    }
    if (m.key_slot >= 0) {  // 2.4: the int64 key itself, a copy of the node record's
        const uint64_t at = base + static_cast<uint64_t>(m.key_slot) * 8;
        b.add(at, 8, "slot key", "key " + std::to_string(m.vertices.read<int64_t>(at, "key slot")));
    }
}

// ---- 3. node record -------------------------------------------------------------------------

void describe_variable(Builder& b, const Region& r, uint64_t at, Type type, const std::string& name, const std::string& text) {
    uint64_t count = 0;
    size_t prefix = r.read_vlq(at, count, "value size prefix");
    VariableLayout layout = variable_layout(type);
    b.add(at, prefix, name + ": size prefix", "VLQ " + std::to_string(count) + (layout.known ? std::string(" ") + layout.unit : ""));
    if (!layout.known || count == 0) return;
    if (count > format::kMaxValueSize) r.fail(at, name + ": value of " + std::to_string(count) + " items exceeds the limit", ErrorKind::limit);
    if (layout.unit_size != 0) {
        b.add(at + prefix, count * layout.unit_size, name + ": payload", text);
        return;
    }
    // Items with their own size prefixes (string[], bytes[]): a field per prefix and per item,
    // up to a cap; the rest of a long list is one summary field.
    constexpr uint64_t kShownItems = 256;
    uint64_t item_at = at + prefix;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t length = 0;
        size_t item_prefix = r.read_vlq(item_at, length, "list item size prefix");
        if (length > format::kMaxValueSize) r.fail(item_at, name + ": list item of " + std::to_string(length) + " bytes exceeds the limit", ErrorKind::limit);
        const uint8_t* bytes = r.at(item_at + item_prefix, length, "list item");
        if (i < kShownItems) {
            const std::string item = name + ": item " + std::to_string(i);
            b.add(item_at, item_prefix, item + " size prefix", "VLQ " + std::to_string(length) + " bytes");
            if (length > 0) {
                ValueRef view(Type(type.element()), bytes, length, 1);
                b.add(item_at + item_prefix, length, item, value_text(view, 80));
            }
        }
        item_at += item_prefix + length;
        if (i + 1 == kShownItems && count > kShownItems) {
            // The remaining items are still walked (for their bounds) but shown as one span.
            uint64_t rest_at = item_at;
            for (uint64_t j = i + 1; j < count; ++j) {
                uint64_t n = 0;
                size_t p = r.read_vlq(item_at, n, "list item size prefix");
                r.at(item_at + p, n, "list item");
                item_at += p + n;
            }
            b.add(rest_at, item_at - rest_at, name + ": items " + std::to_string(kShownItems) + ".." + std::to_string(count - 1),
                  std::to_string(count - kShownItems) + " more items");
            break;
        }
    }
}

uint64_t describe_node(const File& file, const File::Impl& m, uint32_t index, VertexAnatomy& out) {
    uint32_t type = 0;
    RecordView rec = m.node_record(index, type);
    const Region& r = *rec.region;
    const NodeTypeInfo& nt = m.node_types[type];
    const LabelInfo& label = m.layout(nt.label);
    Builder b{out, Part::node, &r};
    uint64_t start = rec.nulls - m.id_width;
    size_t first_field = out.fields.size();
    out.records.push_back({Part::node, r.file_offset + start, 0});
    size_t record_slot = out.records.size() - 1;

    if (m.id_width) {
        std::string widths;
        for (uint8_t w : nt.offset_widths) widths += (widths.empty() ? "" : ",") + std::to_string(w);
        b.add(start, m.id_width, "node type id", std::to_string(type) + " (" + std::string(label.name) + ", widths " + widths + ")");
    }
    if (label.null_bytes) {
        std::string nulls;
        for (const AttributeInfo& a : label.attributes)
            if (a.nullable && a.type.is_fixed() && (r.read<uint8_t>(rec.nulls + a.null_bit / 8, "null bitmap") >> (a.null_bit % 8)) & 1)
                nulls += (nulls.empty() ? "" : ", ") + std::string(a.name);
        FieldSpan& f = b.add(rec.nulls, label.null_bytes, "null bitmap", nulls.empty() ? "no nulls" : "null: " + nulls);
        for (const AttributeInfo& a : label.attributes)
            if (a.nullable && a.type.is_fixed())
                f.bits.push_back({std::string(a.name), a.null_bit, 1,
                                  static_cast<uint64_t>((r.read<uint8_t>(rec.nulls + a.null_bit / 8, "null bitmap") >> (a.null_bit % 8)) & 1)});
    }
    Vertex vertex = file.vertex(index);
    if (m.key_type == KeyType::int64) b.add(rec.fixed, 8, "key (int64)", std::to_string(r.read<int64_t>(rec.fixed, "int64 key")));
    for (uint32_t i = 0; i < label.attributes.size(); ++i) {
        const AttributeInfo& a = label.attributes[i];
        if (!a.type.is_fixed()) continue;
        FieldSpan& f = b.add(rec.fixed + a.fixed_offset, format::scalar_size(a.type.byte),
                             std::string(a.name) + " (" + a.type.name() + ")", value_text(vertex.get(i)));
        if (a.type.element() == TypeCode::vertex_ref) f.bits = reference_bits(format::load_u48(r.at(rec.fixed + a.fixed_offset, 6, "vertex_ref")), true);
    }

    // Offset table entries in table order: the string key first, then variable attributes.
    struct Entry {
        std::string name;
        Type type;
        std::string text;
        uint64_t value = 0;
    };
    std::vector<Entry> entries(label.var_count);
    if (m.key_type == KeyType::string) entries[0] = {"key", Type(TypeCode::string), "", 0};
    for (uint32_t i = 0; i < label.attributes.size(); ++i) {
        const AttributeInfo& a = label.attributes[i];
        if (a.type.is_fixed() || a.fixed_offset >= entries.size()) continue;
        entries[a.fixed_offset] = {std::string(a.name) + " (" + a.type.name() + ")", a.type, value_text(vertex.get(i)), 0};
    }
    if (m.key_type == KeyType::string && !entries.empty()) entries[0].text = "\"" + vertex.key_string() + "\"";
    uint64_t end = rec.table;
    for (uint32_t k = 0; k < entries.size(); ++k) {
        unsigned width = rec.widths[k];
        uint64_t at = rec.table + rec.entry_offsets[k];
        entries[k].value = r.read_uint(at, width, "offset table entry");
        b.add(at, width, "offset entry " + std::to_string(k) + " (" + entries[k].name + ")",
              entries[k].value ? "var+" + std::to_string(entries[k].value - 1) : "0: null or empty");
        end = at + width;
    }
    for (const Entry& e : entries) {
        if (e.value == 0) continue;
        uint64_t at = rec.var_base + e.value;
        if (at < rec.var_base) r.fail(at, "offset overflows");
        describe_variable(b, r, at, e.type, e.name, e.text);
        end = std::max(end, out.fields.back().offset - r.file_offset + out.fields.back().size);
    }
    // Padding to the next 4-byte record boundary (§6), when the section has those bytes.
    uint64_t padded = std::min(format::align_up(end, format::kRecordAlign), r.size);
    if (padded > end) b.add(end, padded - end, "padding", "zero");
    out.records[record_slot].size = std::max(padded, end) - start;
    std::sort(out.fields.begin() + static_cast<std::ptrdiff_t>(first_field), out.fields.end(),
              [](const FieldSpan& x, const FieldSpan& y) { return x.offset < y.offset; });
    return start;
}

// ---- 4. adjacency records -------------------------------------------------------------------

// One 32-bit word of a packed run (§7.2), word `word` of `words`, split into bit fields that
// tile it: the parts of entries [first, end) it holds, named from 0 at `first`, and the bits
// around them, which are other records' entries up to the run's `total` entries and padding
// past them. Returns the fields and the entries' text ("k: vertex v, ...").
struct PackedWord {
    std::vector<BitField> fields;
    std::string text;
};
PackedWord split_packed_word(const File::Impl& m, const uint8_t* run, uint64_t words, uint64_t word, unsigned bits, uint64_t first,
                             uint64_t end, uint64_t total) {
    const uint64_t lsb = 32 * word, word_end = lsb + 32;
    const uint32_t value = format::load<uint32_t>(run + 4 * word);
    PackedWord out;
    auto field = [&](std::string name, uint64_t from, uint64_t to) {
        if (from >= to) return;
        const unsigned at = static_cast<unsigned>(from - lsb), width = static_cast<unsigned>(to - from);
        out.fields.push_back({std::move(name), at, width, width == 32 ? value : (value >> at) & ((1u << width) - 1)});
    };
    auto around = [&](uint64_t from, uint64_t to) {  // bits outside [first, end)'s entries
        const uint64_t run_end = std::clamp(total * bits, from, to);
        field("other vertices' entries", from, run_end);
        field("padding", run_end, to);
    };
    around(lsb, std::clamp(first * bits, lsb, word_end));
    for (uint64_t k = std::max(first, lsb / bits); k < end && k * bits < word_end; ++k) {
        const uint64_t lo = std::max(k * bits, lsb), hi = std::min((k + 1) * bits, word_end);
        std::string name = "entry " + std::to_string(k - first);
        if (lo != k * bits || hi != (k + 1) * bits) name += " bits " + std::to_string(lo - k * bits) + ".." + std::to_string(hi - k * bits - 1);
        field(std::move(name), lo, hi);
        if (!out.text.empty()) out.text += ", ";
        out.text += std::to_string(k - first) + ": vertex " + std::to_string(format::packed_entry(run, words, k, bits, m.entry_mask));
    }
    around(std::clamp(end * bits, lsb, word_end), word_end);
    return out;
}

// A flat block's packed entries (§7.2): one field per 32-bit word, its bits split into the
// entries (or the parts of entries) it holds, so the fields tile the bytes. Returns the run's
// byte length.
uint64_t describe_packed_run(const File::Impl& m, Builder& b, const format::BlockLayout& block, const std::string& type_name,
                             const AnatomyOptions& options, uint64_t& listed) {
    const Region& r = *b.region;
    const unsigned bits = block.entry_bits;
    const uint64_t at = block.entries_offset(), count = block.count;
    const uint64_t bytes = block.entry_bytes(), words = bytes / 4;
    const uint8_t* run = r.at(at, bytes, "adjacency entries");
    uint64_t word = 0;
    for (; word < words && listed < options.max_entries; ++word) {
        PackedWord split = split_packed_word(m, run, words, word, bits, 0, count, count);
        b.add(at + 4 * word, 4, type_name + ": packed word " + std::to_string(word), std::move(split.text)).bits = std::move(split.fields);
        listed += std::min<uint64_t>(count, (32 * word + 32 + bits - 1) / bits) - 32 * word / bits;
    }
    if (word < words)
        b.add(at + 4 * word, 4 * (words - word), type_name + ": packed words " + std::to_string(word) + "..",
              std::to_string(words - word) + " more words, not listed");
    return bytes;
}

// An apart record's entries (§7.3): its two starts, then the words of the runs section's run
// holding its entries, each word's bits split into this vertex's entries and the bits around
// them (other vertices' entries, or the run's padding), so the fields tile the words.
void describe_run_entries(const File::Impl& m, VertexAnatomy& out, uint32_t index, Direction dir, const format::BlockLayout& whole,
                          const AnatomyOptions& options) {
    const File::Impl::Runs& runs = m.runs(dir);
    Builder b{out, dir == Direction::out ? Part::out_runs : Part::in_runs, &runs.region};
    const uint64_t starts = format::kRunsHeadSize + uint64_t{index} * runs.start_bytes;
    b.add(starts, runs.start_bytes, "start " + std::to_string(index), std::to_string(whole.first));
    b.add(starts + runs.start_bytes, runs.start_bytes, "start " + std::to_string(index + 1), std::to_string(whole.first + whole.count));
    out.records.push_back({b.part, runs.region.file_offset + starts, 2 * uint64_t{runs.start_bytes}});
    const unsigned bits = whole.entry_bits;
    const uint64_t first = whole.first, end = first + whole.count;
    const uint64_t first_word = first * bits / 32, last_word = (end * bits - 1) / 32;
    const uint64_t shown = std::min<uint64_t>(last_word - first_word + 1, std::max<uint64_t>(1, options.max_entries * bits / 32 + 1));
    const uint64_t total = m.run_entries(dir);
    const uint8_t* run = runs.region.at(runs.run_at, format::packed_bytes(total, bits), "run");
    const uint64_t words = format::packed_bytes(total, bits) / 4;
    for (uint64_t word = first_word; word < first_word + shown; ++word) {
        PackedWord split = split_packed_word(m, run, words, word, bits, first, end, total);
        b.add(runs.run_at + 4 * word, 4, "entries: packed word " + std::to_string(word), std::move(split.text)).bits = std::move(split.fields);
    }
    const uint64_t listed_end = first_word + shown;
    if (listed_end <= last_word)
        b.add(runs.run_at + 4 * listed_end, 4 * (last_word + 1 - listed_end), "entries: packed words " + std::to_string(listed_end) + "..",
              std::to_string(last_word + 1 - listed_end) + " more words, not listed");
    out.records.push_back({b.part, runs.region.file_offset + runs.run_at + 4 * first_word, 4 * (last_word + 1 - first_word)});
}

// A multi-type record's block directory (§7).
void describe_directory(const File::Impl& m, Builder& b, const EdgeRange& range, const format::RecordLayout& record) {
    const Region& r = *b.region;
    b.add(record.directory_offset(), 4, "block count", std::to_string(range.blocks().size()));
    for (size_t k = 0; k < range.blocks().size(); ++k) {
        const EdgeRange::Block& blk = range.blocks()[k];
        const uint64_t at = record.directory_entry_offset(k);
        const uint32_t word = r.read<uint32_t>(at, "block word");
        FieldSpan& f = b.add(at, 4, "block " + std::to_string(k) + " word",
                             std::string(m.edge_types[blk.type].name) + ", " + std::to_string(blk.groups) + " groups");
        f.bits = {{"edge type id", 0, 16, word & 0xFFFF}, {"group count", 16, 16, word >> 16}};
        b.add(at + 4, 4, "block " + std::to_string(k) + " edges", std::to_string(blk.count));
    }
}

// A block's ordinals (§7): the first (out) or one per edge (in), when its type has properties.
void describe_ordinals(Builder& b, const EdgeRange::Block& blk, const std::string& type_name, const AnatomyOptions& options) {
    const Region& r = *b.region;
    if (blk.ordinals == format::Ordinals::first) {
        b.add(blk.ordinal_offset(0), 8, type_name + ": first ordinal", std::to_string(r.read<uint64_t>(blk.ordinal_offset(0), "first edge ordinal")));
    } else if (blk.ordinals == format::Ordinals::each) {
        uint64_t shown = std::min<uint64_t>(blk.count, options.max_entries);
        for (uint64_t k = 0; k < shown; ++k)
            b.add(blk.ordinal_offset(k), 8, type_name + ": ordinal " + std::to_string(k),
                  std::to_string(r.read<uint64_t>(blk.ordinal_offset(k), "edge ordinal")));
        if (shown < blk.count)
            b.add(blk.ordinal_offset(shown), 8 * (blk.count - shown), type_name + ": ordinals " + std::to_string(shown) + "..",
                  std::to_string(blk.count - shown) + " more, not listed");
    }
}

// A format-1 flat block: one 32-bit word per entry, terminator on the last. Returns its end.
uint64_t describe_word_entries(Builder& b, const EdgeRange::Block& blk, const std::string& type_name, const AnatomyOptions& options,
                               uint64_t& listed) {
    const Region& r = *b.region;
    const uint64_t at = blk.entries_offset();
    uint64_t shown = std::min<uint64_t>(blk.count, listed < options.max_entries ? options.max_entries - listed : 0);
    for (uint64_t k = 0; k < shown; ++k) {
        uint32_t word = r.read<uint32_t>(at + 4 * k, "adjacency entry");
        FieldSpan& f = b.add(at + 4 * k, 4, type_name + ": entry " + std::to_string(k),
                             "vertex " + std::to_string(word & format::kLocalIndexMask) + ((word & format::kTerminatorBit) ? ", last" : ""));
        f.bits = reference_bits(word, false);
    }
    if (shown < blk.count)
        b.add(at + 4 * shown, 4 * (blk.count - shown), type_name + ": entries " + std::to_string(shown) + "..",
              std::to_string(blk.count - shown) + " more, not listed");
    listed += shown;
    return at + 4 * blk.count;
}

// A grouped block: walk the words, listing headers and the first entries (§7). Returns its end.
uint64_t describe_groups(Builder& b, const EdgeRange::Block& blk, const std::string& type_name, const AnatomyOptions& options,
                         uint64_t& listed) {
    const Region& r = *b.region;
    uint64_t at = blk.entries_offset(), left = blk.count, k = 0, skipped_from = 0;
    bool need_header = true;
    while (left > 0) {
        uint32_t word = r.read<uint32_t>(at, need_header ? "group header" : "adjacency entry");
        bool show = listed < options.max_entries;
        if (need_header) {
            if (show) b.add(at, 4, type_name + ": group header", "shard " + std::to_string(word & 0xFFFF)).bits = {{"shard id", 0, 16, word & 0xFFFF}, {"reserved", 16, 16, word >> 16}};
            need_header = false;
        } else {
            if (show) {
                FieldSpan& f = b.add(at, 4, type_name + ": entry " + std::to_string(k),
                                     "vertex " + std::to_string(word & format::kLocalIndexMask) + ((word & format::kTerminatorBit) ? ", last of group" : ""));
                f.bits = reference_bits(word, false);
                ++listed;
            } else if (!skipped_from) {
                skipped_from = at;
            }
            need_header = (word & format::kTerminatorBit) != 0;
            --left;
            ++k;
        }
        at += 4;
    }
    if (skipped_from) b.add(skipped_from, at - skipped_from, type_name + ": further groups and entries", "not listed");
    return at;
}

// One adjacency record (§7): the degree, then its parts in the order of its layout. A packed
// record's run holds every block's entries and is shown once, its entries numbered in the record.
void describe_adjacency(const File& file, const File::Impl& m, uint32_t index, Direction dir, const AnatomyOptions& options,
                        VertexAnatomy& out) {
    int which = dir == Direction::out ? m.out_slot : m.in_slot;
    if (which < 0 || m.slot(index, which) == 0) return;
    EdgeRange range = file.vertex(index).edges(dir);
    const Region& r = dir == Direction::out ? m.out : m.in;
    Builder b{out, dir == Direction::out ? Part::out_edges : Part::in_edges, &r};
    uint64_t start = m.slot(index, which) & format::kSlotOffsetMask;
    out.records.push_back({b.part, r.file_offset + start, 0});
    size_t record_slot = out.records.size() - 1;
    const format::RecordLayout record = m.record_layout(start, range.size(), range.local(), dir, range.blocks().front().first);
    if (!record.apart) b.add(start, 4, "degree", std::to_string(range.size()));
    uint64_t listed = 0, end = record.directory_offset();
    if (record.packed) {
        format::BlockLayout whole = record.first_block(1, range.size(), 0, format::Ordinals::none);
        if (record.apart) describe_run_entries(m, out, index, dir, whole, options);
        else describe_packed_run(m, b, whole, "entries", options, listed);
    }
    if (record.multi_type) describe_directory(m, b, range, record);
    for (const EdgeRange::Block& blk : range.blocks()) {
        const std::string type_name(m.edge_types[blk.type].name);
        describe_ordinals(b, blk, type_name, options);
        if (record.packed) end = blk.end();
        else if (range.local() && m.major == 1) end = describe_word_entries(b, blk, type_name, options, listed);
        else if (range.local()) end = blk.entries_offset() + describe_packed_run(m, b, blk, type_name, options, listed);
        else end = describe_groups(b, blk, type_name, options, listed);
    }
    out.records[record_slot].size = end - start;
}

// ---- 5. key index entry ---------------------------------------------------------------------

// §8.1 (2.3): the vertex's slot, and as its record the slots a lookup walks from the home slot
// to it (two pieces when the walk wraps past the table's end).
void describe_key_slot(const File::Impl& m, uint32_t index, VertexAnatomy& out) {
    const Region& t = m.key_table;
    const uint64_t hash = format::key_hash(m.key(index), m.space_of(index));  // §8.1: seeded with the key's ID space
    const uint64_t home = format::key_table_home(hash, m.key_capacity);
    auto slot_at = [](uint64_t s) { return format::kKeyTableHeadSize + s * format::kKeySlotSize; };
    Builder b{out, Part::key_index, &t};
    uint64_t s = home;
    for (uint64_t step = 0; step < m.key_capacity; ++step, s = s + 1 == m.key_capacity ? 0 : s + 1) {
        const uint64_t value = t.read<uint64_t>(slot_at(s), "key slot");
        if (value >> 32 == 0) return;  // not found: a damaged table, which verify reports
        if (value >> 32 != uint64_t{index} + 1) continue;
        const std::string name = "key slot " + std::to_string(s) + (s == home ? " (home)" : " (home " + std::to_string(home) + ")");
        if (m.fingerprint_mask == format::kNarrowFingerprintMask)  // 2.6: 12 bits, then the node record's block
            b.add(slot_at(s), 4, name + " fingerprint and node block",
                  hex(value & m.fingerprint_mask) + ", block " + std::to_string(format::node_block_of(value)) + " of " +
                      std::to_string(uint64_t{1} << m.node_block_shift) + " bytes");
        else
            b.add(slot_at(s), 4, name + " fingerprint", hex(static_cast<uint32_t>(value)));
        b.add(slot_at(s) + 4, 4, name + " local index + 1", std::to_string(value >> 32));
        if (s < home) out.records.push_back({Part::key_index, t.file_offset + slot_at(home), slot_at(m.key_capacity) - slot_at(home)});
        const uint64_t from = s < home ? 0 : home;
        out.records.push_back({Part::key_index, t.file_offset + slot_at(from), slot_at(s + 1) - slot_at(from)});
        return;
    }
}

// §8.1, a 2.2 or older file: the bucket word and the vertex's entry.
void describe_key_entry(const File::Impl& m, uint32_t index, VertexAnatomy& out) {
    if (m.key_capacity > 0) return describe_key_slot(m, index, out);
    if (m.key_entries == 0) return;
    Key key = m.key(index);
    uint64_t hash = format::key_hash(key, m.space_of(index));  // §8.1: seeded with the key's ID space
    uint64_t bucket = format::key_bucket(hash, m.bucket_bits);
    Builder b{out, Part::key_index, &m.key_index};
    uint64_t first = m.key_index.read<uint32_t>(m.buckets_at + 4 * bucket, "key bucket start");
    uint64_t last = m.key_index.read<uint32_t>(m.buckets_at + 4 * bucket + 4, "key bucket end");
    b.add(m.buckets_at + 4 * bucket, 4, "bucket " + std::to_string(bucket) + " start", std::to_string(first));
    out.records.push_back({Part::key_index, m.key_index.file_offset + m.buckets_at + 4 * bucket, 4});
    for (uint64_t i = first; i < last && i < m.key_entries; ++i) {
        uint64_t at = m.entries_at + i * format::kKeyEntrySize;
        if (m.key_index.read<uint32_t>(at + 4, "key entry index") != index) continue;
        b.add(at, 4, "key entry " + std::to_string(i) + " fingerprint", hex(m.key_index.read<uint32_t>(at, "key fingerprint")));
        b.add(at + 4, 4, "key entry " + std::to_string(i) + " local index", std::to_string(index));
        out.records.push_back({Part::key_index, m.key_index.file_offset + at, format::kKeyEntrySize});
        return;
    }
}

}  // namespace

VertexAnatomy describe_vertex(const File& file, uint32_t index, AnatomyOptions options) {
    const File::Impl& m = impl_of(file);
    VertexAnatomy out;
    out.index = index;
    if (index >= m.vertex_count) {
        out.error = "vertex " + std::to_string(index) + " out of range (" + std::to_string(m.vertex_count) + " vertices)";
        return out;
    }
    try {
        describe_slots(m, index, out);
        describe_node(file, m, index, out);
        describe_adjacency(file, m, index, Direction::out, options, out);
        if (m.in_slot >= 0) describe_adjacency(file, m, index, Direction::in, options, out);
        describe_key_entry(m, index, out);
    } catch (const Error& e) {
        out.error = e.what();
    }
    return out;
}

// ---- 6. header and directory ----------------------------------------------------------------

namespace {

// A field's name as the viewer shows it: the spec's, in words.
std::string spoken(std::string_view spec_name) {
    std::string out(spec_name);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

std::string hex_bytes(std::span<const uint8_t> bytes) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (uint8_t b : bytes) {
        if (!out.empty()) out += ' ';
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// A header field's value as stored, whether or not it is valid.
std::string header_value(const uint8_t* h, format::header::Field f) {
    using F = format::header::Field;
    switch (f) {
        case F::magic:
        case F::dataset_id: return hex_bytes(format::bytes(h, f));
        case F::flags: {
            const uint64_t flags = format::get(h, f), unknown = flags & ~uint64_t{format::kKnownFlags};
            std::string text = flags & format::kFlagInEdges ? "IN_EDGES" : "none";
            return unknown ? text + ", unknown " + hex(unknown) : text;
        }
        case F::reserved: {
            auto bytes = format::bytes(h, f);
            return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; }) ? "zero" : "not zero";
        }
        case F::directory_offset:
        case F::directory_hash:
        case F::header_checksum: return hex(format::get(h, f));
        default: return std::to_string(format::get(h, f));
    }
}

std::string entry_value(const uint8_t* entry, format::dir_entry::Field f) {
    using F = format::dir_entry::Field;
    const uint64_t value = format::get(entry, f);
    switch (f) {
        case F::reserved: return value == 0 ? "zero" : "not zero";
        case F::offset:
        case F::checksum: return hex(value);
        default: return std::to_string(value);
    }
}

}  // namespace

std::vector<FieldSpan> describe_header(std::span<const uint8_t> bytes, uint64_t max_entries) {
    std::vector<FieldSpan> out;
    const uint8_t* h = bytes.data();
    for (size_t i = 0; i < format::header::kFields.size(); ++i) {
        const auto& f = format::header::kFields[i];
        if (f.offset + f.width > bytes.size()) continue;
        out.push_back({f.offset, f.width, Part::header, spoken(f.name), header_value(h, static_cast<format::header::Field>(i)), {}});
    }
    if (bytes.size() < format::header::kSize) return out;
    const uint64_t dir = format::get(h, format::header::Field::directory_offset);
    const uint64_t count = std::min<uint64_t>(format::get(h, format::header::Field::section_count), max_entries);
    for (uint64_t i = 0; i < count; ++i) {
        const uint64_t at = dir + i * format::dir_entry::kSize;
        if (dir > bytes.size() || i >= (bytes.size() - dir) / format::dir_entry::kSize) break;  // past the bytes
        const uint8_t* entry = h + at;
        const uint16_t kind = static_cast<uint16_t>(format::get(entry, format::dir_entry::Field::kind));
        const std::string name = "entry " + std::to_string(i) + " (" + std::string(format::section_name(kind)) + ") ";
        for (size_t k = 0; k < format::dir_entry::kFields.size(); ++k) {
            const auto& f = format::dir_entry::kFields[k];
            out.push_back({at + f.offset, f.width, Part::directory, name + spoken(f.name), entry_value(entry, static_cast<format::dir_entry::Field>(k)), {}});
        }
    }
    return out;
}

std::vector<FieldSpan> describe_header(const File& file) {
    return describe_header({file.data(), file.file_size()}, file.sections().size());
}

// ---- 7. owner_of ----------------------------------------------------------------------------

namespace {

// The owner of byte `off` of a runs section (§7.3): its head, a start (vertex i's, which also
// ends vertex i - 1's entries), or a word of the run, whose first entry belongs to the vertex
// whose starts enclose it (binary search over the non-decreasing starts).
std::optional<uint32_t> runs_owner(const File::Impl& m, Direction dir, uint64_t off, std::string& detail) {
    const File::Impl::Runs& runs = m.runs(dir);
    const uint64_t vertex_count = m.vertex_count;
    const unsigned bits = m.entry_bits;
    if (off < format::kRunsHeadSize) {
        detail = off < 4 ? "runs head: start_bytes" : "runs head: reserved";
        return std::nullopt;
    }
    auto start = [&](uint64_t v) { return runs.region.read_uint(format::kRunsHeadSize + v * runs.start_bytes, runs.start_bytes, "start"); };
    if (off < runs.run_at) {
        // Start i begins vertex i's entries and ends vertex i - 1's: the one that has entries.
        const uint64_t i = (off - format::kRunsHeadSize) / runs.start_bytes;
        detail = "start " + std::to_string(i);
        if (i < vertex_count && start(i) < start(i + 1)) return static_cast<uint32_t>(i);
        if (i > 0 && start(i - 1) < start(i)) return static_cast<uint32_t>(i - 1);
        return std::nullopt;
    }
    // A word has one owner, the vertex of the entry holding its first bit, so that ownership
    // changes at word bounds, where the anatomy's fields do.
    const uint64_t word = (off - runs.run_at) / 4, entry = word * 32 / bits;
    detail = "run word " + std::to_string(word);
    if (entry >= m.run_entries(dir)) return std::nullopt;
    uint64_t lo = 0, hi = vertex_count;  // the last v with start[v] <= entry, in [lo, hi)
    while (hi - lo > 1) {
        const uint64_t mid = lo + (hi - lo) / 2;
        if (start(mid) <= entry) lo = mid;
        else hi = mid;
    }
    return static_cast<uint32_t>(lo);
}

// The vertex whose record in the domain of slot `which` starts at or before `off`: binary
// search over slot offsets, stepping over empty (0) slots near each probe.
std::optional<uint32_t> record_vertex(const File::Impl& m, int which, uint64_t off) {
    constexpr uint64_t kProbe = 64;  // empty slots skipped per probe before giving up
    auto offset_near = [&](uint64_t& i, uint64_t hi) -> std::optional<uint64_t> {
        for (uint64_t k = 0; k < kProbe && i < hi; ++k, ++i)
            if (uint64_t v = m.slot(i, which)) return v & format::kSlotOffsetMask;
        return std::nullopt;
    };
    uint64_t lo = 0, hi = m.vertex_count;  // answer in [lo, hi)
    std::optional<uint32_t> best;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, probe = mid;
        auto at = offset_near(probe, hi);
        if (!at) {
            hi = mid;  // nothing non-empty near mid: look left
            continue;
        }
        if (*at <= off) {
            best = static_cast<uint32_t>(probe);
            lo = probe + 1;
        } else {
            hi = mid;
        }
    }
    return best;
}

}  // namespace

namespace {

// Which part of the label_sets section (§6.6) holds section offset `off`: its head, or an
// entry, named by its set id and labels (the entries as open() parsed them).
std::string label_set_owner(const File::Impl& m, uint64_t section_at, uint64_t off) {
    if (m.label_sets_region.file_offset != section_at) return {};
    if (off < format::kLabelSetsHeadSize) return "label set table head";
    uint64_t at = format::kLabelSetsHeadSize;
    for (size_t i = 0; i < m.label_sets.size(); ++i) {
        const uint64_t size = format::label_set_entry_size(m.label_sets[i].labels.size());
        if (off - at < size)
            return "label set " + std::to_string(m.labels.size() + i) + " (" + m.label_sets[i].name + ")" +
                   (off - at < format::kLabelSetEntryHeadSize ? ": label count" : off - at < format::kLabelSetEntryHeadSize + 2 * m.label_sets[i].labels.size() ? ": label id" : ": padding");
        at += size;
    }
    return {};
}

// Which part of the id_spaces section (§8.3) holds section offset `off`: its head, a space's
// name, or a node type's space.
std::string id_space_owner(const File::Impl& m, uint64_t section_at, uint64_t off) {
    if (m.id_spaces_region.file_offset != section_at) return {};
    if (off < format::kIdSpacesHeadSize) return "ID space table head";
    const uint64_t names_end = format::kIdSpacesHeadSize + 4 * m.id_space_names.size();
    if (off < names_end) {
        const uint64_t space = (off - format::kIdSpacesHeadSize) / 4 + 1;
        return "name of ID space " + std::to_string(space) + " (" + std::string(m.id_space_names[space - 1]) + ")";
    }
    const uint64_t type = (off - names_end) / 2;
    if (type >= m.node_types.size()) return {};
    const uint16_t space = m.node_types[type].space;
    return "ID space of node type " + std::to_string(type) + ": " + (space == 0 ? std::string("the default") : std::string(m.id_space_names[space - 1]));
}

}  // namespace

ByteOwner owner_of(const File& file, uint64_t file_offset) {
    const File::Impl& m = impl_of(file);
    ByteOwner owner;
    owner.offset = file_offset;
    if (file_offset >= m.size) {
        owner.area = "past the end";
        return owner;
    }
    if (file_offset < format::header::kSize || (!m.sections.empty() && file_offset < m.sections[0].offset)) {
        for (const FieldSpan& f : describe_header(file))
            if (file_offset >= f.offset && file_offset - f.offset < f.size) {
                owner.area = f.part == Part::header ? "header" : "directory";
                owner.field = f;
                return owner;
            }
        owner.area = "gap";
        return owner;
    }
    for (size_t i = 0; i < m.sections.size(); ++i) {
        const SectionInfo& s = m.sections[i];
        if (file_offset < s.offset || file_offset - s.offset >= s.length) continue;
        owner.section = static_cast<int>(i);
        owner.area = std::string(s.name());
        owner.section_offset = file_offset - s.offset;
        break;
    }
    if (owner.section < 0) {
        owner.area = "gap";
        return owner;
    }
    const uint64_t off = owner.section_offset;
    std::optional<uint32_t> candidate;
    try {
        switch (static_cast<format::SectionKind>(m.sections[owner.section].kind)) {
            case format::SectionKind::vertices:
                if (off < m.table_head) owner.detail = "vertex table head";
                else candidate = static_cast<uint32_t>((off - m.table_head) / (uint64_t{m.slot_count} * 8));
                break;
            case format::SectionKind::nodes:
                if (owner.section == m.nodes_domain) candidate = record_vertex(m, m.node_slot, off);
                break;
            case format::SectionKind::out_edges:
                if (owner.section == m.out_domain) candidate = record_vertex(m, m.out_slot, off);
                break;
            case format::SectionKind::in_edges:
                if (owner.section == m.in_domain) candidate = record_vertex(m, m.in_slot, off);
                break;
            case format::SectionKind::out_runs:
                candidate = runs_owner(m, Direction::out, off, owner.detail);
                break;
            case format::SectionKind::in_runs:
                candidate = runs_owner(m, Direction::in, off, owner.detail);
                break;
            case format::SectionKind::key_table:
            case format::SectionKind::block_key_table:
                if (off < format::kKeyTableHeadSize) {
                    owner.detail = off < 4 ? "key table head: key type" : off < 8 ? "key table head: reserved" : "key table head: vertex count";
                } else {
                    const uint64_t slot = (off - format::kKeyTableHeadSize) / format::kKeySlotSize;
                    const uint64_t value = m.key_table.read<uint64_t>(format::kKeyTableHeadSize + slot * format::kKeySlotSize, "key slot");
                    owner.detail = "key table slot " + std::to_string(slot) + (value >> 32 == 0 ? " (empty)" : "");
                    if (value >> 32 != 0) candidate = static_cast<uint32_t>((value >> 32) - 1);
                }
                break;
            case format::SectionKind::key_index:
                if (off < m.buckets_at) {
                    owner.detail = "key index head";
                } else if (off < m.entries_at) {
                    owner.detail = "bucket start " + std::to_string((off - m.buckets_at) / 4);
                } else {
                    uint64_t entry = (off - m.entries_at) / format::kKeyEntrySize;
                    owner.detail = "key index entry " + std::to_string(entry);
                    uint32_t local = m.key_index.read<uint32_t>(m.entries_at + entry * format::kKeyEntrySize + 4, "key entry index");
                    if (local < m.vertex_count) candidate = local;
                }
                break;
            case format::SectionKind::label_sets:
                owner.detail = label_set_owner(m, m.sections[owner.section].offset, off);
                break;
            case format::SectionKind::id_spaces:
                owner.detail = id_space_owner(m, m.sections[owner.section].offset, off);
                break;
            case format::SectionKind::edge_props:
                for (const PropTableInfo& t : m.prop_tables) {
                    if (t.region.file_offset != m.sections[owner.section].offset) continue;
                    std::string type(m.edge_types[t.type].name);
                    if (off < format::kEdgePropsHeadSize) owner.detail = "property table head of " + type;
                    else if (off < format::kEdgePropsHeadSize + t.rows * t.row_size)
                        owner.detail = "row " + std::to_string((off - format::kEdgePropsHeadSize) / t.row_size) + " of edge type " + type;
                    else owner.detail = "value heap of edge type " + type;
                }
                break;
            default: break;
        }
    } catch (const Error& e) {
        owner.detail = e.what();
    }
    if (!candidate || *candidate >= m.vertex_count) return owner;
    VertexAnatomy anatomy = describe_vertex(file, *candidate);
    bool inside = false;
    for (const RecordSpan& r : anatomy.records) inside |= file_offset >= r.offset && file_offset - r.offset < r.size;
    if (!inside) return owner;
    owner.vertex = candidate;
    if (const FieldSpan* f = anatomy.field_at(file_offset)) owner.field = *f;
    return owner;
}

// ---- 8. NeighbourList -----------------------------------------------------------------------

NeighbourList::NeighbourList(const Vertex& vertex, Direction direction) : file_(&vertex.file()), direction_(direction) {
    const File::Impl& m = impl_of(*file_);
    if (direction == Direction::in && !file_->has_in_edges()) return;
    EdgeRange range = vertex.edges(direction);
    const Region& r = direction == Direction::out ? m.out : m.in;
    size_ = range.size();
    local_ = range.local();
    uint64_t position = 0;
    for (const EdgeRange::Block& blk : range.blocks()) {
        BlockInfo info{blk, position, 0};
        if (blk.ordinals == format::Ordinals::first) info.first_ordinal = r.read<uint64_t>(blk.ordinal_offset(0), "first edge ordinal");
        if (blk.ordinals == format::Ordinals::each) r.at(blk.ordinal_offset(0), blk.ordinal_bytes(), "edge ordinals");
        uint64_t at = blk.entries_offset();
        uint32_t block = static_cast<uint32_t>(blocks_.size());
        if (range.local()) {
            m.entries_region(blk, direction).at(at, blk.entry_bytes(), "adjacency entries");
            groups_.push_back({position, at, m.shard_id, block});
        } else {
            uint64_t left = blk.count, first = position;
            int previous = -1;
            while (left > 0) {
                uint16_t shard = m.group_shard(r, at, previous);
                previous = shard;
                at += 4;
                groups_.push_back({first, at, shard, block});
                uint32_t word = 0;
                do {
                    if (left == 0) r.fail(at, "group runs past the block's edge count");
                    word = r.read<uint32_t>(at, "adjacency entry");
                    at += 4;
                    --left;
                    ++first;
                } while (!(word & format::kTerminatorBit));
            }
        }
        runs_.push_back({blk.type, position, blk.count});
        blocks_.push_back(info);
        position += blk.count;
    }
}

Edge NeighbourList::at(uint64_t position) const {
    if (position >= size_) throw Error(ErrorKind::misuse, "neighbour " + std::to_string(position) + " out of range (" + std::to_string(size_) + " edges)");
    const File::Impl& m = impl_of(*file_);
    const Region& r = direction_ == Direction::out ? m.out : m.in;
    auto g = std::upper_bound(groups_.begin(), groups_.end(), position, [](uint64_t p, const Group& x) { return p < x.first; });
    const Group& group = *(g - 1);
    const BlockInfo& blk = blocks_[group.block];
    Edge e;
    if (local_) {  // the block's packed run (a packed record's blocks share one), checked at construction
        const uint64_t bytes = blk.layout.entry_bytes();
        const Region& entries = m.entries_region(blk.layout, direction_);
        e.target = {group.shard, format::packed_entry(entries.at(group.entries, bytes, "adjacency entries"), bytes / 4,
                                                      blk.layout.first + position - group.first, blk.layout.entry_bits, m.entry_mask)};
    } else {
        uint32_t word = r.read<uint32_t>(group.entries + 4 * (position - group.first), "adjacency entry");
        e.target = {group.shard, word & format::kLocalIndexMask};
    }
    e.type = blk.layout.type;
    e.direction = direction_;
    uint64_t in_block = position - blk.first;
    e.ordinal = blk.layout.ordinals == format::Ordinals::each ? r.read<uint64_t>(blk.layout.ordinal_offset(in_block), "edge ordinal")
                                                              : blk.first_ordinal + in_block;
    return e;
}

}  // namespace mmgraph
