// File::open (spec §2, §3, §12): header, file size and directory checks, then the small tables
// (strings, schema, node types) whose counts are checked against their section length before
// any loop or allocation. Nothing here is proportional to the number of vertices or edges.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "internal.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

namespace bip = boost::interprocess;
using detail::hex;
using detail::Region;
using format::SectionKind;

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& why, ErrorKind kind = ErrorKind::damaged) {
    throw Error(kind, path.string() + ": " + why);
}

[[noreturn]] void fail_io(const std::filesystem::path& path, const std::string& why, int error_number) {
    throw Error::io(path.string() + ": " + why, error_number);
}

// A name from the string table; the schema section at `r` is blamed for a bad id.
std::string_view name_of(const Region& r, const std::vector<std::string_view>& names, uint32_t id, const char* what) {
    if (id >= names.size()) r.fail(0, std::string(what) + ": string id " + std::to_string(id) + " is past the string table");
    return names[id];
}

// ---- open, step by step ---------------------------------------------------------------------

// How many attribute descriptors the union layouts of all label sets may visit together, per
// descriptor the schema may hold (§6.6, §12 bounded work).
constexpr uint64_t kLabelSetVisitsPerEntry = 16;

// The mapping of a whole regular file, sized from the opened file itself.
struct Mapped {
    bip::file_mapping mapping;
    bip::mapped_region region;
    const uint8_t* data = nullptr;
    uint64_t size = 0;
};

Mapped map_file(const std::filesystem::path& path, Access access) {
    Mapped out;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) fail_io(path, std::string("cannot open: ") + std::strerror(errno), errno);
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file", ErrorKind::io);
    try {
        out.mapping = bip::file_mapping(path.c_str(), bip::read_only);
        // The size is taken from the opened file, not from the path: a writer may rename a new
        // file over the path between the stat above and the open (spec §12), and mapping the
        // new file with the old file's size could reach past its end (SIGBUS).
        if (::fstat(out.mapping.get_mapping_handle().handle, &st) != 0) fail_io(path, std::string("cannot stat: ") + std::strerror(errno), errno);
        if (!S_ISREG(st.st_mode)) fail(path, "not a regular file", ErrorKind::io);
        out.size = static_cast<uint64_t>(st.st_size);
        if (out.size < format::header::kSize)
            fail(path, "file is " + std::to_string(out.size) + " bytes, smaller than the " + std::to_string(format::header::kSize) +
                           "-byte header: not an mmgraph file or truncated");
        out.region = bip::mapped_region(out.mapping, bip::read_only, 0, static_cast<size_t>(out.size));
    } catch (const bip::interprocess_exception& e) {
        fail_io(path, std::string("cannot map: ") + e.what(), e.get_native_error());
    }
    // Advice only: a kernel that ignores it reads the same bytes, so a failure is not an error.
    if (access != Access::normal)
        out.region.advise(access == Access::random ? bip::mapped_region::advice_random : bip::mapped_region::advice_sequential);
    out.data = static_cast<const uint8_t*>(out.region.get_address());
    return out;
}

// The header's fields (§2.1, §2.2), checked against the file's actual size.
struct Header {
    uint16_t major = 0, minor = 0;
    uint32_t flags = 0;
    std::array<uint8_t, 16> dataset_id{};
    uint16_t shard_id = 0, shard_count = 1;
    uint64_t vertex_count = 0, edge_count = 0;
    uint32_t section_count = 0;
    uint64_t directory_offset = 0, directory_hash = 0;
};

Header parse_header(const std::filesystem::path& path, const uint8_t* h, uint64_t actual) {
    using F = format::header::Field;
    auto field = [h](F f) { return format::get(h, f); };
    if (std::memcmp(h, format::kMagic, sizeof format::kMagic) != 0) fail(path, "bad magic: not an mmgraph file");
    Header out;
    out.major = static_cast<uint16_t>(field(F::version_major));
    out.minor = static_cast<uint16_t>(field(F::version_minor));
    if (out.major < format::kOldestMajor || out.major > format::kVersionMajor)
        fail(path, "format version " + std::to_string(out.major) + "." + std::to_string(out.minor) + " is not supported (this reader reads major versions " +
                       std::to_string(format::kOldestMajor) + " to " + std::to_string(format::kVersionMajor) + ")");
    const auto& checksum = format::header::spec(F::header_checksum);
    if (field(F::header_checksum) != format::checksum(h, checksum.offset))
        fail(path, "header checksum mismatch (header bytes 0x0-0x78 damaged)");
    out.flags = static_cast<uint32_t>(field(F::flags));
    uint64_t declared = field(F::file_size);
    if (declared != actual)
        fail(path, "header declares " + std::to_string(declared) + " bytes but the file has " + std::to_string(actual) +
                       (actual < declared ? " (truncated)" : " (trailing bytes)"));
    auto id = format::bytes(h, F::dataset_id);
    std::copy(id.begin(), id.end(), out.dataset_id.begin());
    out.shard_id = static_cast<uint16_t>(field(F::shard_id));
    out.shard_count = static_cast<uint16_t>(field(F::shard_count));
    if (out.shard_count == 0 || out.shard_id >= out.shard_count)
        fail(path, "shard id " + std::to_string(out.shard_id) + " is not below the shard count " + std::to_string(out.shard_count));
    out.vertex_count = field(F::vertex_count);
    out.edge_count = field(F::edge_count);
    if (out.vertex_count > format::kMaxVerticesPerShard)
        fail(path, "header: " + std::to_string(out.vertex_count) + " vertices exceed the 2^31 per-shard limit", ErrorKind::limit);
    out.section_count = static_cast<uint32_t>(field(F::section_count));
    out.directory_offset = field(F::directory_offset);
    out.directory_hash = field(F::directory_hash);
    return out;
}

// The section directory (§3): every entry's bounds, alignment and kind, and a region per entry
// whose errors name `path_text`.
struct Directory {
    std::vector<SectionInfo> sections;
    std::vector<Region> regions;
};

Directory parse_directory(const std::filesystem::path& path, const std::string* path_text, const uint8_t* h, uint64_t actual,
                          const Header& head, const ReaderOptions& options) {
    using F = format::dir_entry::Field;
    const uint32_t count = head.section_count;
    const uint64_t dir_off = head.directory_offset;
    const uint64_t dir_len = uint64_t{count} * format::dir_entry::kSize;
    if (dir_off < format::header::kSize || dir_off > actual || dir_len > actual - dir_off)
        fail(path, "section directory (" + std::to_string(count) + " entries at " + hex(dir_off) + ") lies outside the file");
    if (count > options.max_sections)
        fail(path, "section directory: " + std::to_string(count) + " entries exceed the reader limit of " +
                       std::to_string(options.max_sections) + " (ReaderOptions::max_sections)", ErrorKind::limit);
    if (head.directory_hash != format::checksum(h + dir_off, dir_len)) fail(path, "section directory checksum mismatch");
    Directory out;
    out.sections.reserve(count);
    out.regions.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        const uint8_t* e = h + dir_off + uint64_t{i} * format::dir_entry::kSize;
        SectionInfo s;
        s.kind = static_cast<uint16_t>(format::get(e, F::kind));
        s.flags = static_cast<uint16_t>(format::get(e, F::flags));
        s.offset = format::get(e, F::offset);
        s.length = format::get(e, F::length);
        s.checksum = format::get(e, F::checksum);
        std::string label = "section " + std::to_string(i) + " (" + std::string(s.name()) + ")";
        if (s.offset % format::kSectionAlign != 0) fail(path, label + ": offset " + hex(s.offset) + " is not 8-byte aligned");
        if (s.offset < dir_off + dir_len || s.offset > actual || s.length > actual - s.offset)
            fail(path, label + ": [" + hex(s.offset) + ", +" + std::to_string(s.length) + ") lies outside the file or overlaps the directory");
        bool known = s.kind >= 1 && s.kind <= static_cast<uint16_t>(SectionKind::block_key_table);
        if (!known && !(s.flags & format::kSectionOptional))
            fail(path, label + ": unknown required section kind " + std::to_string(s.kind) + " (written by a newer writer?)");
        out.sections.push_back(s);
        out.regions.push_back(Region{{h + s.offset, s.length}, s.offset, format::section_name(s.kind), path_text});
    }
    return out;
}

// Directory indices of the sections open needs, each kind appearing as often as §3 requires.
struct SectionIndex {
    int strings = 0, schema = -1, node_types = -1, label_sets = -1, id_spaces = -1, vertices = -1, nodes = -1, out = -1, in = -1, key_index = -1, key_table = -1;
    int block_key_table = -1;  // kind 15 (2.6)
    int out_runs = -1, in_runs = -1;
};

SectionIndex locate_sections(const std::filesystem::path& path, const std::vector<SectionInfo>& sections, uint32_t flags) {
    auto single = [&](SectionKind kind, bool required) -> int {
        int found = -1;
        for (size_t i = 0; i < sections.size(); ++i) {
            if (sections[i].kind != static_cast<uint16_t>(kind)) continue;
            if (found >= 0) fail(path, "section " + std::string(format::section_name(static_cast<uint16_t>(kind))) + " appears twice");
            found = static_cast<int>(i);
        }
        if (found < 0 && required)
            fail(path, "required section " + std::string(format::section_name(static_cast<uint16_t>(kind))) + " is missing");
        return found;
    };
    if (sections.empty() || sections[0].kind != static_cast<uint16_t>(SectionKind::strings))
        fail(path, "directory entry 0 must be the string table");
    SectionIndex out;
    out.strings = single(SectionKind::strings, true);
    out.schema = single(SectionKind::schema, true);
    out.node_types = single(SectionKind::node_types, true);
    out.label_sets = single(SectionKind::label_sets, false);
    out.id_spaces = single(SectionKind::id_spaces, false);
    out.vertices = single(SectionKind::vertices, true);
    out.nodes = single(SectionKind::nodes, true);
    out.out = single(SectionKind::out_edges, true);
    out.in = single(SectionKind::in_edges, (flags & format::kFlagInEdges) != 0);
    out.key_table = single(SectionKind::key_table, false);  // which one is required: check_key_section
    out.block_key_table = single(SectionKind::block_key_table, false);
    out.key_index = single(SectionKind::key_index, false);
    out.out_runs = single(SectionKind::out_runs, false);  // required since 2.5: check_runs_sections
    out.in_runs = single(SectionKind::in_runs, false);
    return out;
}

// §4.1: the names, as views into the mapping.
std::vector<std::string_view> parse_strings(const Region& r, const ReaderOptions& options) {
    uint64_t n = r.read<uint32_t>(0, "string count");
    if (n > options.max_strings)
        r.fail(0, std::to_string(n) + " strings exceed the reader limit of " + std::to_string(options.max_strings) + " (ReaderOptions::max_strings)",
               ErrorKind::limit);
    uint64_t blob = 8 + 4 * (n + 1);
    r.at(0, blob, "string offset table");
    std::vector<std::string_view> names;
    names.reserve(n);
    uint64_t previous = 0;
    for (uint64_t i = 0; i <= n; ++i) {
        uint64_t at = r.read<uint32_t>(8 + 4 * i, "string offset");
        if (at < previous || (i == 0 && at != 0)) r.fail(8 + 4 * i, "string offsets must start at 0 and not decrease");
        if (i > 0) {
            const uint8_t* p = r.at(blob + previous, at - previous, "string bytes");
            names.emplace_back(reinterpret_cast<const char*>(p), at - previous);
        }
        previous = at;
    }
    if (blob + previous != r.size) r.fail(blob + previous, "string blob does not end at the section end");
    return names;
}

// §4.2: key type, labels and edge types with their attributes' places in a record.
struct Schema {
    KeyType key_type = KeyType::string;
    std::vector<LabelInfo> labels, edge_types;
};

// One attribute descriptor at `at` (§4.2); its place in a record is left to the caller.
AttributeInfo parse_attribute(const Region& r, uint64_t at, const std::vector<std::string_view>& names, const Header& head) {
    AttributeInfo attr;
    attr.name = name_of(r, names, r.read<uint32_t>(at, "attribute name id"), "attribute name");
    attr.type.byte = r.read<uint8_t>(at + 4, "attribute type");
    uint8_t flags = r.read<uint8_t>(at + 5, "attribute flags");
    if (!format::is_valid_type(attr.type.byte)) r.fail(at + 4, "invalid attribute type byte " + hex(attr.type.byte));
    // §2.3 reader rule 6: a type newer than the file's own minor makes the file invalid.
    const uint16_t needed = head.major == 1 ? format::minor_version_of(attr.type.byte) : format::minor_version_2_of(attr.type.byte);
    if (needed > head.minor) {
        const std::string since = needed == 0xFFFF ? "format " + std::string(format::since_version(attr.type.byte)) : "format " + std::to_string(head.major) + "." + std::to_string(needed);
        r.fail(at + 4, "attribute type " + attr.type.name() + " (" + hex(attr.type.byte) + ") is defined from " + since + ", but the file says " +
                           std::to_string(head.major) + "." + std::to_string(head.minor));
    }
    if (flags & ~format::kAttrNullable) r.fail(at + 5, "unknown attribute flags " + hex(flags));
    attr.nullable = flags & format::kAttrNullable;
    return attr;
}

// §4.2 derived layout: each attribute's place in a record, in the order of `info.attributes`.
void place_attributes(LabelInfo& info, bool is_label, KeyType key_type) {
    info.fixed_size = is_label && key_type == KeyType::int64 ? 8 : 0;
    info.var_count = is_label && key_type == KeyType::string ? 1 : 0;
    uint32_t nullable_fixed = 0;
    for (AttributeInfo& attr : info.attributes) {
        if (attr.type.is_fixed()) {
            attr.fixed_offset = info.fixed_size;
            info.fixed_size += format::scalar_size(attr.type.byte);
            if (attr.nullable) attr.null_bit = nullable_fixed++;
        } else {
            attr.fixed_offset = info.var_count++;
        }
    }
    info.null_bytes = (nullable_fixed + 7) / 8;
}

Schema parse_schema(const Region& r, const std::vector<std::string_view>& names, const Header& head, const ReaderOptions& options) {
    namespace sc = format::schema;
    Schema out;
    uint32_t key_type = r.read<uint32_t>(sc::kKeyTypeOff, "key type");
    if (key_type != format::kKeyString && key_type != format::kKeyInt64) r.fail(0, "unknown key type " + std::to_string(key_type));
    out.key_type = static_cast<KeyType>(key_type);
    uint64_t labels = r.read<uint32_t>(sc::kLabelCountOff, "label count");
    uint64_t edge_types = r.read<uint32_t>(sc::kEdgeTypeCountOff, "edge type count");
    if (labels > format::kMaxLabels || edge_types > format::kMaxEdgeTypes || (labels + edge_types) * sc::kEntryHeadSize > r.size)
        r.fail(4, std::to_string(labels) + " labels and " + std::to_string(edge_types) + " edge types do not fit the section");
    uint64_t at = sc::kHeadSize, total = 0;
    // §4.2: names are distinct among labels, among edge types, and among one entry's
    // attributes; tools key their tables by name (the Python module's categories among them).
    std::unordered_set<std::string_view> label_names, type_names, attribute_names;
    for (uint64_t i = 0; i < labels + edge_types; ++i) {
        bool is_label = i < labels;
        LabelInfo info;
        info.name = name_of(r, names, r.read<uint32_t>(at, "schema name id"), "schema entry name");
        if (!(is_label ? label_names : type_names).insert(info.name).second)
            r.fail(at, std::string(is_label ? "label" : "edge type") + " name '" + std::string(info.name) + "' appears twice; names must be distinct");
        uint64_t attrs = r.read<uint32_t>(at + 4, "attribute count");
        info.count = r.read<uint64_t>(at + 8, "schema entry count");
        total += attrs;
        if (attrs > format::kMaxAttributes || total > options.max_schema_entries)
            r.fail(at + 4, std::to_string(attrs) + " attributes exceed the limit of " + std::to_string(format::kMaxAttributes) +
                               " per entry or the reader limit of " + std::to_string(options.max_schema_entries) +
                               " schema entries in all (ReaderOptions::max_schema_entries)",
                   ErrorKind::limit);
        at += sc::kEntryHeadSize;
        r.at(at, attrs * sc::kAttrSize, "attribute descriptors");
        attribute_names.clear();
        for (uint64_t a = 0; a < attrs; ++a, at += sc::kAttrSize) {
            info.attributes.push_back(parse_attribute(r, at, names, head));
            if (!attribute_names.insert(info.attributes.back().name).second)
                r.fail(at, "attribute name '" + std::string(info.attributes.back().name) + "' appears twice in '" + std::string(info.name) + "'");
        }
        place_attributes(info, is_label, out.key_type);
        (is_label ? out.labels : out.edge_types).push_back(std::move(info));
    }
    if (at != r.size) r.fail(at, "schema does not end at the section end");
    return out;
}

// §6.3: node types, with each offset table entry's byte offset in the table.
struct NodeTypes {
    uint32_t id_width = 0;
    std::vector<NodeTypeInfo> types;
    std::vector<std::vector<uint32_t>> entry_offsets;
};

// §4.2: the attributes of a vertex with these labels, each name once, in label order; a name
// that two labels declare with different types or nullability makes the set invalid. `budget`
// is what is left of the attribute visits all sets may take: a set entry is a few bytes, but
// its labels may hold thousands of attributes, so the work is bounded apart from the file size.
LabelInfo union_layout(const Region& r, uint64_t at, const std::string& which, const std::vector<uint32_t>& members,
                       const std::vector<LabelInfo>& labels, KeyType key_type, uint64_t& budget) {
    LabelInfo layout;
    std::unordered_map<std::string_view, uint32_t> index_of;  // name -> position in the layout
    for (uint32_t label : members) {
        if (labels[label].attributes.size() > budget)
            r.fail(at, which + ": the label sets' attributes exceed the reader limit of " + std::to_string(kLabelSetVisitsPerEntry) +
                           " times ReaderOptions::max_schema_entries",
                   ErrorKind::limit);
        budget -= labels[label].attributes.size();
        for (const AttributeInfo& a : labels[label].attributes) {
            auto [it, inserted] = index_of.emplace(a.name, static_cast<uint32_t>(layout.attributes.size()));
            if (inserted) {
                layout.attributes.push_back(a);
                continue;
            }
            const AttributeInfo& first = layout.attributes[it->second];
            if (first.type.byte != a.type.byte || first.nullable != a.nullable)
                r.fail(at, which + ": attribute '" + std::string(a.name) + "' has different types or nullability in label '" +
                               std::string(labels[label].name) + "' and an earlier label of the set (§4.2)");
        }
    }
    if (layout.attributes.size() > format::kMaxAttributes)
        r.fail(at, which + ": " + std::to_string(layout.attributes.size()) + " attributes exceed the limit of " + std::to_string(format::kMaxAttributes));
    place_attributes(layout, true, key_type);
    return layout;
}

// §6.6: the label sets of two or more labels, each with the union layout of its labels (§4.2).
// The table is small (at most one set per node type); every count is checked against the
// section length before a loop depends on it.
std::vector<LabelSetInfo> parse_label_sets(const Region& r, const std::vector<LabelInfo>& labels, KeyType key_type, const ReaderOptions& options) {
    uint64_t budget = kLabelSetVisitsPerEntry * options.max_schema_entries;
    const uint64_t n = r.read<uint32_t>(0, "label set count");
    if (n == 0 || n > format::kMaxNodeTypes || n * format::label_set_entry_size(2) > r.size - std::min<uint64_t>(r.size, format::kLabelSetsHeadSize))
        r.fail(0, std::to_string(n) + " label sets: expected 1 to " + std::to_string(format::kMaxNodeTypes) + " that fit the section");
    std::vector<LabelSetInfo> sets(n);
    std::set<std::vector<uint32_t>> seen;
    uint64_t at = format::kLabelSetsHeadSize;
    for (uint64_t i = 0; i < n; ++i) {
        const std::string which = "label set " + std::to_string(labels.size() + i);
        const uint64_t count = r.read<uint32_t>(at, "label set size");
        if (count < 2 || count > labels.size())
            r.fail(at, which + " has " + std::to_string(count) + " labels, expected 2 to the label count " + std::to_string(labels.size()));
        const uint64_t size = format::label_set_entry_size(count);
        r.at(at, size, "label set entry");
        LabelSetInfo& set = sets[i];
        for (uint64_t k = 0; k < count; ++k) {
            const uint32_t label = r.read<uint16_t>(at + format::kLabelSetEntryHeadSize + 2 * k, "label set member");
            if (label >= labels.size() || (k > 0 && label <= set.labels.back()))
                r.fail(at + format::kLabelSetEntryHeadSize + 2 * k, which + ": label id " + std::to_string(label) +
                                                                      " is not a label above the previous member (strictly ascending, below " +
                                                                      std::to_string(labels.size()) + ")");
            set.labels.push_back(label);
        }
        for (uint64_t b = format::kLabelSetEntryHeadSize + 2 * count; b < size; ++b)
            if (r.read<uint8_t>(at + b, "label set padding") != 0) r.fail(at + b, which + ": padding byte is not zero");
        if (!seen.insert(set.labels).second) r.fail(at, which + " repeats an earlier set");
        set.layout = union_layout(r, at, which, set.labels, labels, key_type, budget);
        at += size;
    }
    if (at != r.size) r.fail(at, "label set table does not end at the section end");
    for (LabelSetInfo& set : sets) {  // the vector is final: the names may be viewed now
        for (uint32_t label : set.labels) set.name += (set.name.empty() ? "" : ";") + std::string(labels[label].name);
        set.layout.name = set.name;
    }
    return sets;
}

NodeTypes parse_node_types(const Region& r, const std::vector<LabelInfo>& labels, const std::vector<LabelSetInfo>& sets, uint64_t vertex_count) {
    NodeTypes out;
    uint64_t n = r.read<uint32_t>(0, "node type count");
    out.id_width = r.read<uint8_t>(4, "node type id width");
    if (n > format::kMaxNodeTypes || n * format::kNodeTypeEntryHeadSize > r.size) r.fail(0, std::to_string(n) + " node types do not fit the section");
    uint32_t expected_width = n <= 1 ? 0 : n <= 256 ? 1 : 2;
    if (out.id_width != expected_width)
        r.fail(4, "node type id width " + std::to_string(out.id_width) + ", expected " + std::to_string(expected_width));
    uint64_t at = format::kNodeTypesHeadSize;
    for (uint64_t i = 0; i < n; ++i) {
        NodeTypeInfo t;
        t.label = r.read<uint32_t>(at, "node type label");
        if (t.label >= labels.size() + sets.size())
            r.fail(at, "node type " + std::to_string(i) + " names label set " + std::to_string(t.label) + " which does not exist (" +
                           std::to_string(labels.size()) + " labels, " + std::to_string(sets.size()) + " label sets)");
        t.vertices = r.read<uint64_t>(at + 4, "node type vertex count");
        uint32_t entries = t.label < labels.size() ? labels[t.label].var_count : sets[t.label - labels.size()].layout.var_count;
        const uint8_t* widths = r.at(at + format::kNodeTypeEntryHeadSize, entries, "node type widths");
        std::vector<uint32_t> offsets;
        for (uint32_t k = 0; k < entries; ++k) {
            if (widths[k] != 1 && widths[k] != 2 && widths[k] != 4)
                r.fail(at + format::kNodeTypeEntryHeadSize + k, "offset width " + std::to_string(widths[k]) + " is not 1, 2 or 4");
            offsets.push_back(t.table_size);
            t.table_size += widths[k];
        }
        t.offset_widths.assign(widths, widths + entries);
        out.entry_offsets.push_back(std::move(offsets));
        out.types.push_back(std::move(t));
        at += format::align_up(format::kNodeTypeEntryHeadSize + entries, 4);
    }
    if (at != r.size) r.fail(at, "node type table does not end at the section end");
    if (n == 0 && vertex_count > 0) r.fail(0, "vertices exist but no node type is declared");
    return out;
}

// §8.3: the names of the named ID spaces, and each node type's space. Counts are checked
// against the section length before any loop.
std::vector<std::string_view> parse_id_spaces(const Region& r, const std::vector<std::string_view>& names, std::vector<NodeTypeInfo>& types) {
    const uint64_t n = r.read<uint32_t>(0, "ID space count");
    if (n == 0 || n > format::kMaxIdSpaces || r.size != format::id_spaces_size(n, types.size()))
        r.fail(0, std::to_string(n) + " ID spaces and " + std::to_string(types.size()) + " node types need " +
                      std::to_string(format::id_spaces_size(n, types.size())) + " bytes, the section has " + std::to_string(r.size) +
                      " (at least one space is named)");
    std::vector<std::string_view> spaces;
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t at = format::kIdSpacesHeadSize + 4 * i;
        const std::string_view name = name_of(r, names, r.read<uint32_t>(at, "ID space name id"), "ID space name");
        if (name.empty() || std::find(spaces.begin(), spaces.end(), name) != spaces.end())
            r.fail(at, "ID space " + std::to_string(i + 1) + " name '" + std::string(name) + "' is empty or repeats an earlier space's");
        spaces.push_back(name);
    }
    for (size_t t = 0; t < types.size(); ++t) {
        const uint64_t at = format::kIdSpacesHeadSize + 4 * n + 2 * t;
        types[t].space = r.read<uint16_t>(at, "node type ID space");
        if (types[t].space > n) r.fail(at, "node type " + std::to_string(t) + " names ID space " + std::to_string(types[t].space) + " of " + std::to_string(n));
    }
    return spaces;
}

// §5.1: the vertex table head: which slot holds which role, and where the slots start.
struct SlotRoles {
    uint32_t slot_count = 0;
    int node = -1, out = -1, in = -1, key = -1;
    uint64_t table_head = 0;
};

// `key_role`: the file's minor defines the key role (2.4), which it then has exactly when its
// keys are int64.
SlotRoles parse_vertex_table(const Region& r, uint64_t vertex_count, bool in_edges_section, bool newer_minor, bool key_role, bool int64_keys) {
    SlotRoles out;
    out.slot_count = r.read<uint32_t>(0, "slot count");
    if (out.slot_count < 2 || out.slot_count > 16) r.fail(0, "slot count " + std::to_string(out.slot_count) + " is not between 2 and 16");
    // More than the roles this reader knows only in a newer minor (§5.1, §2.3).
    const uint32_t known = key_role && int64_keys ? 4 : 3;
    if (!newer_minor && out.slot_count > known)
        r.fail(0, "slot count " + std::to_string(out.slot_count) + " in a file of a known minor, which has at most " + std::to_string(known));
    out.table_head = format::align_up(8 + 2 * uint64_t{out.slot_count}, 8);
    for (uint32_t k = 0; k < out.slot_count; ++k) {
        uint16_t role = r.read<uint16_t>(8 + 2 * k, "slot role");
        int* which = role == static_cast<uint16_t>(SectionKind::nodes)       ? &out.node
                     : role == static_cast<uint16_t>(SectionKind::out_edges) ? &out.out
                     : role == static_cast<uint16_t>(SectionKind::in_edges)  ? &out.in
                     : role == format::kKeyRole && key_role                  ? &out.key
                                                                              : nullptr;
        if (which && *which >= 0) r.fail(8 + 2 * k, "slot role " + std::to_string(role) + " appears twice");
        if (which) *which = static_cast<int>(k);
        // A role this reader does not know belongs to a newer minor version (§2.3, §5.1).
        else if (!newer_minor) r.fail(8 + 2 * k, "unknown slot role " + std::to_string(role));
    }
    if (out.node < 0 || out.out < 0) r.fail(8, "vertex table has no nodes or out_edges slot");
    if (key_role && (out.key >= 0) != int64_keys)
        r.fail(8, int64_keys ? "vertex table has no key slot, which a file of int64 keys has since 2.4 (§5.1)"
                             : "vertex table has a key slot in a file of string keys (§5.1)");
    if ((out.in >= 0) != in_edges_section) r.fail(8, "in_edges slot and in_edges section disagree");
    uint64_t stride = uint64_t{out.slot_count} * 8;
    if (r.size < out.table_head || (r.size - out.table_head) / stride != vertex_count || (r.size - out.table_head) % stride != 0)
        r.fail(0, "vertex table holds " + std::to_string(r.size < out.table_head ? 0 : (r.size - out.table_head) / stride) +
                      " records, header says " + std::to_string(vertex_count));
    return out;
}

// §8.1 key index layout. The section's length and the vertex count determine the bucket count,
// so open does not read the index's head: in a large file the head has a page of its own, which
// is a disk read when the file is cold. verify() checks the head against this.
struct KeyIndexLayout {
    uint32_t bucket_bits = 0;
    uint64_t entries = 0, buckets_at = format::kKeyIndexHeadSize, entries_at = 0;
};

KeyIndexLayout key_index_layout(const Region& r, uint64_t vertex_count) {
    KeyIndexLayout out;
    out.entries = vertex_count;
    const uint64_t entry_bytes = out.entries * format::kKeyEntrySize;  // vertex_count <= 2^31
    for (uint32_t b = 0; b <= format::kMaxBucketBits; ++b) {
        uint64_t entries_at = format::key_entries_offset(b);
        if (entries_at <= r.size && r.size - entries_at == entry_bytes) {
            out.bucket_bits = b;
            out.entries_at = entries_at;
            return out;
        }
    }
    r.fail(0, std::to_string(r.size) + " bytes do not hold a head, 2^b + 1 bucket starts (b <= 31) and " + std::to_string(out.entries) +
                  " entries, one per vertex");
}

// §8.1: a 2.6 file has a key table of kind 15 (slots naming their node record's block), a 2.3 to
// 2.5 file one of kind 12, an older one a key index (§2.3 writer rule 3), so a reader never has
// to choose between two answers. Checked after the tables that name the minor they need, whose
// refusals say more.
void check_key_section(const std::filesystem::path& path, const SectionIndex& at, const Header& head) {
    const bool table = head.major == 2 && head.minor >= format::kKeyTableMinor;
    const int wanted = !table ? 0 : format::node_blocks(head.major, head.minor) ? 2 : 1;
    static constexpr const char* kWhat[3] = {"key_index (before 2.3)", "key_table of kind 12 (2.3 to 2.5)", "key_table of kind 15 (since 2.6)"};
    const int found[3] = {at.key_index, at.key_table, at.block_key_table};
    const std::string version = std::to_string(head.major) + "." + std::to_string(head.minor);
    if (found[wanted] < 0) fail(path, "required section " + std::string(kWhat[wanted]) + " is missing (format " + version + ", §8.1)");
    for (int k = 0; k < 3; ++k)
        if (k != wanted && found[k] >= 0)
            fail(path, "section " + std::to_string(found[k]) + " (" + kWhat[k] + ") is not allowed in a file of format " + version + ", which has a " +
                           kWhat[wanted] + " (§8.1)");
}

// §7.3: a 2.5 file has an out_runs section, and an in_runs section exactly when it has in-edges;
// an older file has neither (§2.3 writer rule 3).
void check_runs_sections(const std::filesystem::path& path, const SectionIndex& at, const Header& head) {
    const bool runs = format::runs_apart(head.major, head.minor);
    const std::string version = std::to_string(head.major) + "." + std::to_string(head.minor);
    if (!runs) {
        if (const int wrong = std::max(at.out_runs, at.in_runs); wrong >= 0)
            fail(path, "section " + std::to_string(wrong) + " (" + (wrong == at.out_runs ? "out_runs" : "in_runs") + ") is not allowed in a file of format " +
                           version + " (runs sections since 2.5, §7.3)");
        return;
    }
    if (at.out_runs < 0) fail(path, "required section out_runs is missing (format " + version + ", §7.3)");
    if ((at.in_runs >= 0) != (at.in >= 0))
        fail(path, std::string(at.in >= 0 ? "required section in_runs is missing" : "an in_runs section without in-edges") + " (format " + version + ", §7.3)");
}

// §7.3: a runs section's geometry from its length alone (a cold open reads no page of it): the
// starts' width, where the run begins, and how many entries its words hold, which bounds every
// start a later read uses. The head and the exact length against the last start are verify's.
File::Impl::Runs parse_runs(const Region& r, uint64_t vertex_count, unsigned entry_bits) {
    File::Impl::Runs out;
    out.region = r;
    out.start_bytes = format::runs_start_bytes_of_length(r.size, vertex_count, entry_bits);
    out.run_at = format::runs_run_offset(vertex_count, out.start_bytes);  // vertex_count <= 2^31: no overflow
    if (r.size < out.run_at || (r.size - out.run_at) % 4 != 0)
        r.fail(0, std::to_string(r.size) + " bytes do not hold " + std::to_string(vertex_count + 1) + " starts of " + std::to_string(out.start_bytes) +
                      " bytes and a run of whole 32-bit words");
    out.capacity = (r.size - out.run_at) * 8 / entry_bits;  // r.size < 2^61: no overflow
    return out;
}

// §8.1 key table (2.3): the slot count C from the section's length, without reading the head
// (as for the key index); C > n leaves a slot empty, which ends every lookup's walk.
uint64_t key_table_capacity(const Region& r, uint64_t vertex_count) {
    if (r.size < format::kKeyTableHeadSize || (r.size - format::kKeyTableHeadSize) % format::kKeySlotSize != 0)
        r.fail(0, std::to_string(r.size) + " bytes do not hold a 16-byte head and whole 8-byte slots");
    const uint64_t capacity = (r.size - format::kKeyTableHeadSize) / format::kKeySlotSize;
    if (capacity <= vertex_count)
        r.fail(0, std::to_string(capacity) + " slots for " + std::to_string(vertex_count) + " vertices: the table needs more slots than vertices");
    return capacity;
}

// §8.2: the head of every edge property table, one per edge type with properties.
struct PropTables {
    std::vector<int32_t> of_type;  // per edge type: index in tables, -1 if none
    std::vector<PropTableInfo> tables;
};

PropTableInfo parse_prop_table(const Region& r) {
    PropTableInfo t;
    t.region = r;
    t.type = r.read<uint32_t>(0, "edge property table type");
    t.width = r.read<uint8_t>(4, "heap offset width");
    t.rows = r.read<uint64_t>(8, "row count");
    t.row_size = r.read<uint32_t>(16, "row size");
    t.heap_offset = r.read<uint64_t>(24, "heap offset");
    return t;
}

PropTables parse_prop_tables(const std::filesystem::path& path, const std::vector<SectionInfo>& sections, const std::vector<Region>& regions,
                             const std::vector<LabelInfo>& edge_types) {
    PropTables out;
    out.of_type.assign(edge_types.size(), -1);
    for (size_t i = 0; i < sections.size(); ++i) {
        if (sections[i].kind != static_cast<uint16_t>(SectionKind::edge_props)) continue;
        const Region& r = regions[i];
        PropTableInfo t = parse_prop_table(r);
        if (t.type >= edge_types.size() || out.of_type[t.type] >= 0 || edge_types[t.type].attributes.empty())
            r.fail(0, "edge property table for edge type " + std::to_string(t.type) + " is unexpected");
        if (t.width != 1 && t.width != 2 && t.width != 4 && t.width != 8) r.fail(4, "heap offset width " + std::to_string(t.width));
        const LabelInfo& et = edge_types[t.type];
        if (t.row_size != et.null_bytes + et.fixed_size + et.var_count * t.width) r.fail(16, "row size does not match the edge type's properties");
        if (t.row_size != 0 && t.rows > (r.size - std::min<uint64_t>(r.size, format::kEdgePropsHeadSize)) / t.row_size)
            r.fail(8, std::to_string(t.rows) + " rows do not fit the section");
        if (t.heap_offset < format::kEdgePropsHeadSize + t.rows * t.row_size || t.heap_offset > r.size)
            r.fail(24, "heap offset " + hex(t.heap_offset) + " overlaps the rows or lies past the section");
        out.of_type[t.type] = static_cast<int32_t>(out.tables.size());
        out.tables.push_back(t);
    }
    for (size_t t = 0; t < edge_types.size(); ++t)
        if (!edge_types[t].attributes.empty() && out.of_type[t] < 0)
            fail(path, "edge type '" + std::string(edge_types[t].name) + "' has properties but no property table");
    return out;
}

}  // namespace

File::File(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
File::~File() = default;

std::shared_ptr<const File> File::open(const std::filesystem::path& path, ReaderOptions options) {
    auto m = std::make_unique<Impl>();
    m->path = path;
    m->path_text = path.string();
    m->options = options;

    Mapped mapped = map_file(path, options.access);
    m->mapping = std::move(mapped.mapping);
    m->region = std::move(mapped.region);
    m->data = mapped.data;
    m->size = mapped.size;

    const Header head = parse_header(path, m->data, m->size);
    m->major = head.major;
    m->minor = head.minor;
    m->flags = head.flags;
    m->dataset_id = head.dataset_id;
    m->shard_id = head.shard_id;
    m->shard_count = head.shard_count;
    m->vertex_count = head.vertex_count;
    m->edge_count = head.edge_count;
    if (m->major >= 2) {
        m->entry_bits = format::packed_entry_bits(m->vertex_count);
        m->entry_mask = static_cast<uint32_t>((uint64_t{1} << m->entry_bits) - 1);
    }
    m->packed_records = format::packed_layout(m->major, m->minor);
    m->runs_apart = format::runs_apart(m->major, m->minor);
    if (format::node_blocks(m->major, m->minor)) m->fingerprint_mask = format::kNarrowFingerprintMask;

    Directory directory = parse_directory(path, &m->path_text, m->data, m->size, head, options);
    const SectionIndex at = locate_sections(path, directory.sections, m->flags);
    m->sections = std::move(directory.sections);
    m->regions = std::move(directory.regions);
    auto region = [&](int index) { return m->regions[static_cast<size_t>(index)]; };
    m->strings = region(at.strings);
    m->schema = region(at.schema);
    m->node_types_region = region(at.node_types);
    m->vertices = region(at.vertices);
    m->nodes_domain = at.nodes;
    m->out_domain = at.out;
    m->in_domain = at.in;
    m->nodes = region(at.nodes);
    m->out = region(at.out);
    if (at.in >= 0) m->in = region(at.in);
    if (at.key_index >= 0) m->key_index = region(at.key_index);
    if (const int table = format::node_blocks(m->major, m->minor) ? at.block_key_table : at.key_table; table >= 0) m->key_table = region(table);
    m->node_block_shift = format::node_block_shift(m->nodes.size);

    m->names = parse_strings(m->strings, options);
    Schema schema = parse_schema(m->schema, m->names, head, options);
    m->key_type = schema.key_type;
    m->labels = std::move(schema.labels);
    m->edge_types = std::move(schema.edge_types);

    if (at.label_sets >= 0) {
        // §2.3 rule 5 closes the section to older readers; a file that says it is older is wrong.
        m->label_sets_region = region(at.label_sets);
        if (m->major < 2 || (m->major == 2 && m->minor < format::kLabelSetsMinor))
            m->label_sets_region.fail(0, "a label_sets section is defined from format 2.2, but the file says " + std::to_string(m->major) + "." +
                                             std::to_string(m->minor));
        m->label_sets = parse_label_sets(m->label_sets_region, m->labels, m->key_type, options);
        for (size_t i = 0; i < m->label_sets.size(); ++i)
            for (uint32_t label : m->label_sets[i].labels) m->label_set_members.insert((m->labels.size() + i) << 32 | label);
    }
    m->singleton_labels.resize(m->labels.size());
    std::iota(m->singleton_labels.begin(), m->singleton_labels.end(), 0u);
    NodeTypes node_types = parse_node_types(m->node_types_region, m->labels, m->label_sets, m->vertex_count);
    m->id_width = node_types.id_width;
    m->node_types = std::move(node_types.types);
    m->entry_offsets = std::move(node_types.entry_offsets);
    if (at.id_spaces >= 0) {
        m->id_spaces_region = region(at.id_spaces);
        if (m->major < 2 || (m->major == 2 && m->minor < format::kIdSpacesMinor))
            m->id_spaces_region.fail(0, "an id_spaces section is defined from format 2.2, but the file says " + std::to_string(m->major) + "." +
                                            std::to_string(m->minor));
        m->id_space_names = parse_id_spaces(m->id_spaces_region, m->names, m->node_types);
    }

    const bool key_role = m->major == 2 && m->minor >= format::kKeyRoleMinor;
    const SlotRoles slots = parse_vertex_table(m->vertices, m->vertex_count, at.in >= 0, m->newer_minor(), key_role, m->key_type == KeyType::int64);
    m->slot_count = slots.slot_count;
    m->node_slot = slots.node;
    m->out_slot = slots.out;
    m->in_slot = slots.in;
    m->key_slot = slots.key;
    m->table_head = slots.table_head;
    m->frontier_hints = m->vertices.size + m->out.size + m->in.size > File::Impl::kCachedWalkBytes;

    check_key_section(path, at, head);
    check_runs_sections(path, at, head);
    if (m->runs_apart) {
        m->out_runs = parse_runs(region(at.out_runs), m->vertex_count, m->entry_bits);
        if (at.in_runs >= 0) m->in_runs = parse_runs(region(at.in_runs), m->vertex_count, m->entry_bits);
        // A single-shard walk of neighbours reads the runs sections alone (§7.3).
        if (m->shard_count == 1) m->frontier_hints = m->out_runs.region.size + m->in_runs.region.size > File::Impl::kCachedWalkBytes;
    }
    if (at.key_index < 0) {  // a key table of either kind (check_key_section)
        m->key_capacity = key_table_capacity(m->key_table, m->vertex_count);
    } else {
        const KeyIndexLayout keys = key_index_layout(m->key_index, m->vertex_count);
        m->bucket_bits = keys.bucket_bits;
        m->key_entries = keys.entries;
        m->buckets_at = keys.buckets_at;
        m->entries_at = keys.entries_at;
    }

    if (options.access == Access::random) m->cold_hints = options.cold_lookup_hints;

    PropTables props = parse_prop_tables(path, m->sections, m->regions, m->edge_types);
    m->prop_table_of = std::move(props.of_type);
    m->prop_tables = std::move(props.tables);
    // Last: a source points into the tables above, which no longer move.
    m->run_sources = {detail::make_run_source(*m, Direction::out), detail::make_run_source(*m, Direction::in)};

    std::shared_ptr<const File> file(new File(std::move(m)));
    if (options.verify_on_open) file->verify();
    return file;
}

void File::Impl::read_ahead(uint64_t offset, uint64_t length) const {
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    if (offset >= size) return;
    uint64_t from = offset / page * page, to = offset + std::min(length, size - offset);
    ::posix_madvise(const_cast<uint8_t*>(data) + from, to - from, POSIX_MADV_WILLNEED);
}

const std::filesystem::path& File::path() const { return impl_->path; }
uint16_t File::version_major() const { return impl_->major; }
uint16_t File::version_minor() const { return impl_->minor; }
uint64_t File::file_size() const { return impl_->size; }
std::array<uint8_t, 16> File::dataset_id() const { return impl_->dataset_id; }
uint16_t File::shard_id() const { return impl_->shard_id; }
uint16_t File::shard_count() const { return impl_->shard_count; }
uint64_t File::vertex_count() const { return impl_->vertex_count; }
uint64_t File::edge_count() const { return impl_->edge_count; }
bool File::has_in_edges() const { return impl_->in_domain >= 0; }
KeyType File::key_type() const { return impl_->key_type; }
std::span<const SectionInfo> File::sections() const { return impl_->sections; }
std::span<const LabelInfo> File::labels() const { return impl_->labels; }

std::string_view File::zone_name(uint32_t zone) const {
    if (zone == 0) return {};
    if (zone - 1 >= impl_->names.size())
        throw Error(ErrorKind::damaged, impl_->path_text + ": datetime zone " + std::to_string(zone) + " names no string (the table has " +
                                            std::to_string(impl_->names.size()) + ")");
    return impl_->names[zone - 1];
}
std::span<const LabelInfo> File::edge_types() const { return impl_->edge_types; }
std::span<const NodeTypeInfo> File::node_types() const { return impl_->node_types; }
std::span<const LabelSetInfo> File::label_sets() const { return impl_->label_sets; }
uint32_t File::label_set_count() const { return static_cast<uint32_t>(impl_->labels.size() + impl_->label_sets.size()); }

std::span<const uint32_t> File::label_set_labels(uint32_t set) const {
    if (set >= label_set_count())
        throw Error(ErrorKind::misuse, path().string() + ": no label set " + std::to_string(set) + " (the file has " + std::to_string(label_set_count()) + ")");
    if (set < impl_->labels.size()) return std::span<const uint32_t>(impl_->singleton_labels).subspan(set, 1);
    return impl_->label_sets[set - impl_->labels.size()].labels;
}

const LabelInfo& File::label_set_layout(uint32_t set) const {
    label_set_labels(set);  // the range check
    return impl_->layout(set);
}

bool File::label_set_has(uint32_t set, uint32_t label) const { return impl_->has_label(set, label); }
const uint8_t* File::data() const { return impl_->data; }

std::optional<uint32_t> LabelInfo::find(std::string_view attribute) const {
    for (uint32_t i = 0; i < attributes.size(); ++i)
        if (attributes[i].name == attribute) return i;
    return std::nullopt;
}

std::optional<uint32_t> File::find_label(std::string_view name) const {
    for (uint32_t i = 0; i < impl_->labels.size(); ++i)
        if (impl_->labels[i].name == name) return i;
    return std::nullopt;
}

std::optional<uint32_t> File::find_edge_type(std::string_view name) const {
    for (uint32_t i = 0; i < impl_->edge_types.size(); ++i)
        if (impl_->edge_types[i].name == name) return i;
    return std::nullopt;
}

}  // namespace mmgraph
