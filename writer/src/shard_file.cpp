#include "shard_file.hpp"

#include <algorithm>
#include <cstring>

#include "mmgraph/format/fields.hpp"
#include "mmgraph/format/hash.hpp"

namespace mmgraph::detail {

namespace {

using HeaderField = format::header::Field;

// §3 directory, and the zeros up to the first section; returns the directory's checksum.
uint64_t write_directory(const ShardPlan& p, uint8_t* file) {
    using F = format::dir_entry::Field;
    uint8_t* dir = file + p.directory_offset;
    const uint64_t dir_len = format::dir_entry::kSize * p.sections.size();
    std::memset(dir, 0, p.sections.front().offset - p.directory_offset);  // reserved fields and padding
    for (size_t i = 0; i < p.sections.size(); ++i) {
        const auto& s = p.sections[i];
        uint8_t* entry = dir + i * format::dir_entry::kSize;
        format::put(entry, F::kind, static_cast<uint16_t>(s.kind));
        format::put(entry, F::flags, 0);  // every section of this version is required
        format::put(entry, F::offset, s.offset);
        format::put(entry, F::length, s.length);
        format::put(entry, F::checksum, s.checksum);
    }
    return format::checksum(dir, dir_len);
}

void put_header_checksum(uint8_t* file) {
    format::put(file, HeaderField::header_checksum, format::checksum(file, format::header::spec(HeaderField::header_checksum).offset));
}

}  // namespace

uint16_t oldest_sufficient_minor(const std::vector<Shape>& labels, const std::vector<Shape>& edge_types, bool label_sets, bool id_spaces,
                                 bool int64_keys) {
    uint16_t minor = format::kNodeBlockMinor;  // every file has the runs sections (§7.3) and a key table of kind 15 (§8.1)
    if (int64_keys) minor = std::max(minor, format::kKeyRoleMinor);  // the key slot of each vertex (§5.1)
    if (label_sets) minor = std::max(minor, format::kLabelSetsMinor);
    if (id_spaces) minor = std::max(minor, format::kIdSpacesMinor);
    for (const auto* shapes : {&labels, &edge_types})
        for (const Shape& shape : *shapes)
            for (const AttributeSpec& a : shape.attributes) minor = std::max(minor, format::minor_version_2_of(a.type.byte));
    return minor;
}

// §2.2 header, written last: it covers the directory by its checksum.
void write_directory_and_header(const ShardPlan& p, uint8_t* file, const DatasetId& dataset_id, uint32_t shard_count,
                                bool in_edges, uint16_t minor) {
    using F = HeaderField;
    const uint64_t directory_checksum = write_directory(p, file);
    std::memset(file, 0, format::header::kSize);  // the reserved bytes
    std::memcpy(format::bytes(file, F::magic).data(), format::kMagic, format::header::spec(F::magic).width);
    format::put(file, F::version_major, format::kVersionMajor);
    format::put(file, F::version_minor, minor);
    format::put(file, F::flags, in_edges ? format::kFlagInEdges : 0);
    format::put(file, F::file_size, p.file_size);
    std::copy(dataset_id.begin(), dataset_id.end(), format::bytes(file, F::dataset_id).begin());
    format::put(file, F::shard_id, p.shard);
    format::put(file, F::shard_count, shard_count);
    format::put(file, F::section_count, p.sections.size());
    format::put(file, F::directory_offset, p.directory_offset);
    format::put(file, F::directory_hash, directory_checksum);
    format::put(file, F::vertex_count, p.members.size());
    format::put(file, F::edge_count, p.edge_count);
    put_header_checksum(file);
}

DatasetId dataset_id_from_checksums(std::span<const uint64_t> section_checksums) {
    DatasetId dataset_id{};
    XXH128_hash_t h = XXH3_128bits(section_checksums.data(), section_checksums.size() * sizeof(uint64_t));
    format::store(dataset_id.data(), h.low64);
    format::store(dataset_id.data() + 8, h.high64);
    return dataset_id;
}

void put_dataset_id(uint8_t* header, const DatasetId& dataset_id) {
    std::copy(dataset_id.begin(), dataset_id.end(), format::bytes(header, HeaderField::dataset_id).begin());
    put_header_checksum(header);
}

}  // namespace mmgraph::detail
