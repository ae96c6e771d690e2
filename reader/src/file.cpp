// File::open (spec §2, §3, §12): header, file size and directory checks, then the small tables
// (strings, schema, node types) whose counts are checked against their section length before
// any loop or allocation. Nothing here is proportional to the number of vertices or edges.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "internal.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph {

namespace bip = boost::interprocess;
using detail::hex;
using detail::Region;
using format::SectionKind;

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& why) {
    throw Error(path.string() + ": " + why);
}

}  // namespace

File::File(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
File::~File() = default;

std::shared_ptr<const File> File::open(const std::filesystem::path& path, ReaderOptions options) {
    auto m = std::make_unique<Impl>();
    m->path = path;
    m->path_text = path.string();
    m->options = options;

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
    uint64_t actual = 0;
    try {
        m->mapping = bip::file_mapping(path.c_str(), bip::read_only);
        // The size is taken from the opened file, not from the path: a writer may rename a new
        // file over the path between the stat above and the open (spec §12), and mapping the
        // new file with the old file's size could reach past its end (SIGBUS).
        if (::fstat(m->mapping.get_mapping_handle().handle, &st) != 0) fail(path, std::string("cannot stat: ") + std::strerror(errno));
        if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
        actual = static_cast<uint64_t>(st.st_size);
        if (actual < format::header::kSize)
            fail(path, "file is " + std::to_string(actual) + " bytes, smaller than the " + std::to_string(format::header::kSize) +
                           "-byte header: not an mmgraph file or truncated");
        m->region = bip::mapped_region(m->mapping, bip::read_only, 0, static_cast<size_t>(actual));
    } catch (const bip::interprocess_exception& e) {
        fail(path, std::string("cannot map: ") + e.what());
    }
    // Advice only: a kernel that ignores it reads the same bytes, so a failure is not an error.
    if (options.access != Access::normal)
        m->region.advise(options.access == Access::random ? bip::mapped_region::advice_random : bip::mapped_region::advice_sequential);
    m->data = static_cast<const uint8_t*>(m->region.get_address());
    m->size = actual;
    const uint8_t* h = m->data;

    // §2.1, §2.2
    if (std::memcmp(h, format::kMagic, sizeof format::kMagic) != 0) fail(path, "bad magic: not an mmgraph file");
    namespace hd = format::header;
    m->major = format::load<uint16_t>(h + hd::kMajorOff);
    m->minor = format::load<uint16_t>(h + hd::kMinorOff);
    if (m->major < format::kOldestMajor || m->major > format::kVersionMajor)
        fail(path, "format version " + std::to_string(m->major) + "." + std::to_string(m->minor) + " is not supported (this reader reads major versions " +
                       std::to_string(format::kOldestMajor) + " to " + std::to_string(format::kVersionMajor) + ")");
    uint64_t header_hash = format::load<uint64_t>(h + hd::kHeaderHashOff);
    if (header_hash != format::checksum(h, hd::kHeaderHashOff))
        fail(path, "header checksum mismatch (header bytes 0x0-0x78 damaged)");
    m->flags = format::load<uint32_t>(h + hd::kFlagsOff);
    uint64_t declared = format::load<uint64_t>(h + hd::kFileSizeOff);
    if (declared != actual)
        fail(path, "header declares " + std::to_string(declared) + " bytes but the file has " + std::to_string(actual) +
                       (actual < declared ? " (truncated)" : " (trailing bytes)"));
    std::memcpy(m->dataset_id.data(), h + hd::kDatasetIdOff, 16);
    m->shard_id = format::load<uint16_t>(h + hd::kShardIdOff);
    m->shard_count = format::load<uint16_t>(h + hd::kShardCountOff);
    if (m->shard_count == 0 || m->shard_id >= m->shard_count)
        fail(path, "shard id " + std::to_string(m->shard_id) + " is not below the shard count " + std::to_string(m->shard_count));
    m->vertex_count = format::load<uint64_t>(h + hd::kVertexCountOff);
    m->edge_count = format::load<uint64_t>(h + hd::kEdgeCountOff);
    if (m->vertex_count > format::kMaxVerticesPerShard)
        fail(path, "header: " + std::to_string(m->vertex_count) + " vertices exceed the 2^31 per-shard limit");
    if (m->major >= 2) {
        m->entry_bits = format::packed_entry_bits(m->vertex_count);
        m->entry_mask = static_cast<uint32_t>((uint64_t{1} << m->entry_bits) - 1);
    }

    // §3 directory
    uint32_t count = format::load<uint32_t>(h + hd::kSectionCountOff);
    uint64_t dir_off = format::load<uint64_t>(h + hd::kDirectoryOffsetOff);
    uint64_t dir_len = uint64_t{count} * format::dir_entry::kSize;
    if (dir_off < hd::kSize || dir_off > actual || dir_len > actual - dir_off)
        fail(path, "section directory (" + std::to_string(count) + " entries at " + hex(dir_off) + ") lies outside the file");
    if (count > options.max_sections)
        fail(path, "section directory: " + std::to_string(count) + " entries exceed the reader limit of " +
                       std::to_string(options.max_sections) + " (ReaderOptions::max_sections)");
    if (format::load<uint64_t>(h + hd::kDirectoryHashOff) != format::checksum(h + dir_off, dir_len))
        fail(path, "section directory checksum mismatch");
    m->sections.reserve(count);
    m->regions.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        const uint8_t* e = h + dir_off + uint64_t{i} * format::dir_entry::kSize;
        SectionInfo s;
        s.kind = format::load<uint16_t>(e + format::dir_entry::kKindOff);
        s.flags = format::load<uint16_t>(e + format::dir_entry::kFlagsOff);
        s.offset = format::load<uint64_t>(e + format::dir_entry::kOffsetOff);
        s.length = format::load<uint64_t>(e + format::dir_entry::kLengthOff);
        s.checksum = format::load<uint64_t>(e + format::dir_entry::kChecksumOff);
        std::string label = "section " + std::to_string(i) + " (" + std::string(s.name()) + ")";
        if (s.offset % format::kSectionAlign != 0) fail(path, label + ": offset " + hex(s.offset) + " is not 8-byte aligned");
        if (s.offset < dir_off + dir_len || s.offset > actual || s.length > actual - s.offset)
            fail(path, label + ": [" + hex(s.offset) + ", +" + std::to_string(s.length) + ") lies outside the file or overlaps the directory");
        bool known = s.kind >= 1 && s.kind <= static_cast<uint16_t>(SectionKind::key_index);
        if (!known && !(s.flags & format::kSectionOptional))
            fail(path, label + ": unknown required section kind " + std::to_string(s.kind) + " (written by a newer writer?)");
        m->sections.push_back(s);
        m->regions.push_back(Region{h + s.offset, s.length, s.offset, format::section_name(s.kind), &m->path_text});
    }
    auto single = [&](SectionKind kind, bool required) -> int {
        int found = -1;
        for (uint32_t i = 0; i < count; ++i) {
            if (m->sections[i].kind != static_cast<uint16_t>(kind)) continue;
            if (found >= 0) fail(path, "section " + std::string(format::section_name(static_cast<uint16_t>(kind))) + " appears twice");
            found = static_cast<int>(i);
        }
        if (found < 0 && required)
            fail(path, "required section " + std::string(format::section_name(static_cast<uint16_t>(kind))) + " is missing");
        return found;
    };
    if (count == 0 || m->sections[0].kind != static_cast<uint16_t>(SectionKind::strings))
        fail(path, "directory entry 0 must be the string table");
    single(SectionKind::strings, true);
    m->strings = m->regions[0];
    m->schema = m->regions[static_cast<size_t>(single(SectionKind::schema, true))];
    m->node_types_region = m->regions[static_cast<size_t>(single(SectionKind::node_types, true))];
    m->vertices = m->regions[static_cast<size_t>(single(SectionKind::vertices, true))];
    m->nodes_domain = single(SectionKind::nodes, true);
    m->out_domain = single(SectionKind::out_edges, true);
    m->in_domain = single(SectionKind::in_edges, (m->flags & format::kFlagInEdges) != 0);
    m->nodes = m->regions[static_cast<size_t>(m->nodes_domain)];
    m->out = m->regions[static_cast<size_t>(m->out_domain)];
    if (m->in_domain >= 0) m->in = m->regions[static_cast<size_t>(m->in_domain)];
    m->key_index = m->regions[static_cast<size_t>(single(SectionKind::key_index, true))];

    // §4.1 strings
    {
        const Region& r = m->strings;
        uint64_t n = r.read<uint32_t>(0, "string count");
        if (n > options.max_strings) r.fail(0, std::to_string(n) + " strings exceed the reader limit of " + std::to_string(options.max_strings) + " (ReaderOptions::max_strings)");
        uint64_t blob = 8 + 4 * (n + 1);
        r.at(0, blob, "string offset table");
        m->names.reserve(n);
        uint64_t previous = 0;
        for (uint64_t i = 0; i <= n; ++i) {
            uint64_t at = r.read<uint32_t>(8 + 4 * i, "string offset");
            if (at < previous || (i == 0 && at != 0)) r.fail(8 + 4 * i, "string offsets must start at 0 and not decrease");
            if (i > 0) {
                const uint8_t* p = r.at(blob + previous, at - previous, "string bytes");
                m->names.emplace_back(reinterpret_cast<const char*>(p), at - previous);
            }
            previous = at;
        }
        if (blob + previous != r.size) r.fail(blob + previous, "string blob does not end at the section end");
    }

    // §4.2 schema
    {
        const Region& r = m->schema;
        namespace sc = format::schema;
        uint32_t key_type = r.read<uint32_t>(sc::kKeyTypeOff, "key type");
        if (key_type != format::kKeyString && key_type != format::kKeyInt64) r.fail(0, "unknown key type " + std::to_string(key_type));
        m->key_type = static_cast<KeyType>(key_type);
        uint64_t labels = r.read<uint32_t>(sc::kLabelCountOff, "label count");
        uint64_t edge_types = r.read<uint32_t>(sc::kEdgeTypeCountOff, "edge type count");
        if (labels > format::kMaxLabels || edge_types > format::kMaxEdgeTypes || (labels + edge_types) * sc::kEntryHeadSize > r.size)
            r.fail(4, std::to_string(labels) + " labels and " + std::to_string(edge_types) + " edge types do not fit the section");
        uint64_t at = sc::kHeadSize, total = 0;
        for (uint64_t i = 0; i < labels + edge_types; ++i) {
            bool is_label = i < labels;
            LabelInfo info;
            info.name = m->name(r.read<uint32_t>(at, "schema name id"), "schema entry name");
            uint64_t attrs = r.read<uint32_t>(at + 4, "attribute count");
            info.count = r.read<uint64_t>(at + 8, "schema entry count");
            total += attrs;
            if (attrs > format::kMaxAttributes || total > options.max_schema_entries)
                r.fail(at + 4, std::to_string(attrs) + " attributes exceed the limit of " + std::to_string(format::kMaxAttributes) +
                                   " per entry or the reader limit of " + std::to_string(options.max_schema_entries) +
                                   " schema entries in all (ReaderOptions::max_schema_entries)");
            at += sc::kEntryHeadSize;
            r.at(at, attrs * sc::kAttrSize, "attribute descriptors");
            if (is_label && m->key_type == KeyType::int64) info.fixed_size = 8;
            if (is_label && m->key_type == KeyType::string) info.var_count = 1;
            uint32_t nullable_fixed = 0;
            for (uint64_t a = 0; a < attrs; ++a, at += sc::kAttrSize) {
                AttributeInfo attr;
                attr.name = m->name(r.read<uint32_t>(at, "attribute name id"), "attribute name");
                attr.type.byte = r.read<uint8_t>(at + 4, "attribute type");
                uint8_t flags = r.read<uint8_t>(at + 5, "attribute flags");
                if (!format::is_valid_type(attr.type.byte)) r.fail(at + 4, "invalid attribute type byte " + hex(attr.type.byte));
                if (m->major == 1 && format::minor_version_of(attr.type.byte) > m->minor)
                    r.fail(at + 4, "attribute type " + attr.type.name() + " (" + hex(attr.type.byte) + ") is defined from format 1." +
                                       std::to_string(format::minor_version_of(attr.type.byte)) + ", but the file says 1." +
                                       std::to_string(m->minor));
                if (flags & ~format::kAttrNullable) r.fail(at + 5, "unknown attribute flags " + hex(flags));
                attr.nullable = flags & format::kAttrNullable;
                if (attr.type.is_fixed()) {
                    attr.fixed_offset = info.fixed_size;
                    info.fixed_size += format::scalar_size(attr.type.byte);
                    if (attr.nullable) attr.null_bit = nullable_fixed++;
                } else {
                    attr.fixed_offset = info.var_count++;
                }
                info.attributes.push_back(attr);
            }
            info.null_bytes = (nullable_fixed + 7) / 8;
            (is_label ? m->labels : m->edge_types).push_back(std::move(info));
        }
        if (at != r.size) r.fail(at, "schema does not end at the section end");
    }

    // §6.3 node types
    {
        const Region& r = m->node_types_region;
        uint64_t n = r.read<uint32_t>(0, "node type count");
        m->id_width = r.read<uint8_t>(4, "node type id width");
        if (n > format::kMaxNodeTypes || n * format::kNodeTypeEntryHeadSize > r.size)
            r.fail(0, std::to_string(n) + " node types do not fit the section");
        uint32_t expected_width = n <= 1 ? 0 : n <= 256 ? 1 : 2;
        if (m->id_width != expected_width)
            r.fail(4, "node type id width " + std::to_string(m->id_width) + ", expected " + std::to_string(expected_width));
        uint64_t at = format::kNodeTypesHeadSize;
        for (uint64_t i = 0; i < n; ++i) {
            NodeTypeInfo t;
            t.label = r.read<uint32_t>(at, "node type label");
            if (t.label >= m->labels.size()) r.fail(at, "node type " + std::to_string(i) + " names label " + std::to_string(t.label) + " which does not exist");
            t.vertices = r.read<uint64_t>(at + 4, "node type vertex count");
            uint32_t entries = m->labels[t.label].var_count;
            const uint8_t* widths = r.at(at + format::kNodeTypeEntryHeadSize, entries, "node type widths");
            std::vector<uint32_t> offsets;
            for (uint32_t k = 0; k < entries; ++k) {
                if (widths[k] != 1 && widths[k] != 2 && widths[k] != 4)
                    r.fail(at + format::kNodeTypeEntryHeadSize + k, "offset width " + std::to_string(widths[k]) + " is not 1, 2 or 4");
                offsets.push_back(t.table_size);
                t.table_size += widths[k];
            }
            t.offset_widths.assign(widths, widths + entries);
            m->entry_offsets.push_back(std::move(offsets));
            m->node_types.push_back(std::move(t));
            at += format::align_up(format::kNodeTypeEntryHeadSize + entries, 4);
        }
        if (at != r.size) r.fail(at, "node type table does not end at the section end");
        if (n == 0 && m->vertex_count > 0) r.fail(0, "vertices exist but no node type is declared");
    }

    // §5.1 vertex table head
    {
        const Region& r = m->vertices;
        m->slot_count = r.read<uint32_t>(0, "slot count");
        if (m->slot_count < 2 || m->slot_count > 16) r.fail(0, "slot count " + std::to_string(m->slot_count) + " is not between 2 and 16");
        m->table_head = format::align_up(8 + 2 * uint64_t{m->slot_count}, 8);
        for (uint32_t k = 0; k < m->slot_count; ++k) {
            uint16_t role = r.read<uint16_t>(8 + 2 * k, "slot role");
            int* which = role == static_cast<uint16_t>(SectionKind::nodes)       ? &m->node_slot
                         : role == static_cast<uint16_t>(SectionKind::out_edges) ? &m->out_slot
                         : role == static_cast<uint16_t>(SectionKind::in_edges)  ? &m->in_slot
                                                                                  : nullptr;
            if (which && *which >= 0) r.fail(8 + 2 * k, "slot role " + std::to_string(role) + " appears twice");
            if (which) *which = static_cast<int>(k);
            // A role this reader does not know belongs to a newer minor version (§2.3, §5.1).
            else if (!m->newer_minor()) r.fail(8 + 2 * k, "unknown slot role " + std::to_string(role));
        }
        if (m->node_slot < 0 || m->out_slot < 0) r.fail(8, "vertex table has no nodes or out_edges slot");
        if ((m->in_slot >= 0) != (m->in_domain >= 0)) r.fail(8, "in_edges slot and in_edges section disagree");
        uint64_t stride = uint64_t{m->slot_count} * 8;
        if (r.size < m->table_head || (r.size - m->table_head) / stride != m->vertex_count || (r.size - m->table_head) % stride != 0)
            r.fail(0, "vertex table holds " + std::to_string(r.size < m->table_head ? 0 : (r.size - m->table_head) / stride) +
                          " records, header says " + std::to_string(m->vertex_count));
    }

    // §8.1 key index layout. The section's length and the vertex count determine the bucket
    // count, so open does not read the index's head: in a large file the head has a page of its
    // own, which is a disk read when the file is cold. verify() checks the head against this.
    {
        const Region& r = m->key_index;
        m->key_entries = m->vertex_count;
        const uint64_t entries = m->key_entries * format::kKeyEntrySize;  // vertex_count <= 2^31
        bool found = false;
        for (uint32_t b = 0; b <= format::kMaxBucketBits && !found; ++b) {
            uint64_t entries_at = format::key_entries_offset(b);
            if (entries_at <= r.size && r.size - entries_at == entries) {
                m->bucket_bits = b;
                m->entries_at = entries_at;
                found = true;
            }
        }
        if (!found)
            r.fail(0, std::to_string(r.size) + " bytes do not hold a head, 2^b + 1 bucket starts (b <= 31) and " + std::to_string(m->key_entries) +
                          " entries, one per vertex");
        m->buckets_at = format::kKeyIndexHeadSize;
    }

    // §8.2 edge property tables
    m->prop_table_of.assign(m->edge_types.size(), -1);
    for (size_t i = 0; i < m->sections.size(); ++i) {
        if (m->sections[i].kind != static_cast<uint16_t>(SectionKind::edge_props)) continue;
        const Region& r = m->regions[i];
        PropTableInfo t;
        t.region = r;
        t.type = r.read<uint32_t>(0, "edge property table type");
        t.width = r.read<uint8_t>(4, "heap offset width");
        t.rows = r.read<uint64_t>(8, "row count");
        t.row_size = r.read<uint32_t>(16, "row size");
        t.heap_offset = r.read<uint64_t>(24, "heap offset");
        if (t.type >= m->edge_types.size() || m->prop_table_of[t.type] >= 0 || m->edge_types[t.type].attributes.empty())
            r.fail(0, "edge property table for edge type " + std::to_string(t.type) + " is unexpected");
        if (t.width != 1 && t.width != 2 && t.width != 4 && t.width != 8) r.fail(4, "heap offset width " + std::to_string(t.width));
        const LabelInfo& et = m->edge_types[t.type];
        if (t.row_size != et.null_bytes + et.fixed_size + et.var_count * t.width) r.fail(16, "row size does not match the edge type's properties");
        if (t.row_size != 0 && t.rows > (r.size - std::min<uint64_t>(r.size, format::kEdgePropsHeadSize)) / t.row_size)
            r.fail(8, std::to_string(t.rows) + " rows do not fit the section");
        if (t.heap_offset < format::kEdgePropsHeadSize + t.rows * t.row_size || t.heap_offset > r.size)
            r.fail(24, "heap offset " + hex(t.heap_offset) + " overlaps the rows or lies past the section");
        m->prop_table_of[t.type] = static_cast<int32_t>(m->prop_tables.size());
        m->prop_tables.push_back(t);
    }
    for (size_t t = 0; t < m->edge_types.size(); ++t)
        if (!m->edge_types[t].attributes.empty() && m->prop_table_of[t] < 0)
            fail(path, "edge type '" + std::string(m->edge_types[t].name) + "' has properties but no property table");

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

std::string_view File::Impl::name(uint32_t id, const char* what) const {
    if (id >= names.size()) schema.fail(0, std::string(what) + ": string id " + std::to_string(id) + " is past the string table");
    return names[id];
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
std::span<const LabelInfo> File::edge_types() const { return impl_->edge_types; }
std::span<const NodeTypeInfo> File::node_types() const { return impl_->node_types; }
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
