// The parts of a shard file written after its sections (§2.2 header, §3 directory) and the
// dataset id that ties the shards of a dataset together (§10). Shared by Writer::finish, which
// writes every shard at once, and ShardWriter plus seal_shard, which write one shard and settle
// the id later.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "internal.hpp"

namespace mmgraph::detail {

using DatasetId = std::array<uint8_t, 16>;

// Writes the directory and then the header that covers it; the file's sections and their
// checksums in `p` must be final.
void write_directory_and_header(const ShardPlan& p, uint8_t* file, const DatasetId& dataset_id, uint32_t shard_count,
                                bool in_edges, uint16_t minor);

// §2.3 writer rule 1: the oldest minor of major 2 that defines every type the schema uses and
// every section the dataset has; since every file has a key table (§8.1) and packed flat
// records (§7), at least 2.3, and 2.4 with int64 keys, which the vertex table then holds (§5.1).
// The same in every shard of a dataset (§10).
uint16_t oldest_sufficient_minor(const std::vector<Shape>& labels, const std::vector<Shape>& edge_types, bool label_sets, bool id_spaces,
                                 bool int64_keys);

// §10: the id derived from every section checksum of every shard, shard by shard in directory
// order.
DatasetId dataset_id_from_checksums(std::span<const uint64_t> section_checksums);

// Sets the dataset id in a header (the file's first format::header::kSize bytes) and its
// checksum again.
void put_dataset_id(uint8_t* header, const DatasetId& dataset_id);

}  // namespace mmgraph::detail
