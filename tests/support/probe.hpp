// Helpers shared by the damaged-file tests and the fuzz targets: a full walk of a file that
// renders everything a client can read as text, and resealing of damaged bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "mmgraph/reader.hpp"

namespace mmgraph::test {

// Reads every vertex (key, label, node type, every attribute and list element), its lookup by
// key, both adjacency directions (degrees, every edge, per-type ranges) and every edge property
// of the shard; returns all of it as text, so two walks compare as strings. Values are rendered
// from their raw bytes. Throws mmgraph::Error on the first problem.
std::string walk(const File& file);

// Reads the edges of every vertex in both directions (in index order, then a seeded shuffle
// with repeats) and looks up every readable key plus absent and wrong-type ones, once through
// the batch APIs (EdgeRange::local_targets, File::for_each_edge, File::find(keys, out)) and
// once edge by edge and key by key. Returns "" when both give the same text or throw mmgraph::Error with the same
// message, and File::for_each_neighbour gives the targets of every direction whose edges all
// read; else a description of the difference. Other exceptions pass through.
std::string batch_mismatch(const File& file);

// Recomputes every section checksum, the directory hash and the header checksum of a file image,
// so that damage in it is caught only by structural checks. Trusts the directory as it stands
// and skips entries that point outside the image.
void reseal(std::span<uint8_t> bytes);

}  // namespace mmgraph::test
