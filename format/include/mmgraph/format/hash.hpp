// XXH3 hashes used by the format: section/header checksums (§1) and key hashes (§8.1).
#pragma once

#include <cstdint>
#include <string_view>

#include <xxhash.h>

namespace mmgraph::format {

inline uint64_t checksum(const uint8_t* data, uint64_t size) noexcept {
    return XXH3_64bits(data, static_cast<size_t>(size));
}

inline uint64_t key_hash(std::string_view key) noexcept {
    return XXH3_64bits(key.data(), key.size());
}

inline uint64_t key_hash(int64_t key) noexcept {
    return XXH3_64bits(&key, sizeof key);  // the 8 little-endian bytes (host is little-endian)
}

}  // namespace mmgraph::format
