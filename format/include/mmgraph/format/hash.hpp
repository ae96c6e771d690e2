// XXH3 hashes used by the format: section/header checksums (§1) and key hashes (§8.1).
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <string_view>

#include <xxhash.h>

#include "mmgraph/types.hpp"

namespace mmgraph::format {

inline uint64_t checksum(const uint8_t* data, uint64_t size) noexcept {
    return XXH3_64bits(data, static_cast<size_t>(size));
}

// checksum() over bytes that arrive in pieces (XXH3's streaming form gives the same value).
class ChecksumStream {
public:
    ChecksumStream() : state_(XXH3_createState()) {
        if (!state_) throw std::bad_alloc();
        XXH3_64bits_reset(state_.get());
    }
    void update(const uint8_t* data, uint64_t size) noexcept { XXH3_64bits_update(state_.get(), data, static_cast<size_t>(size)); }
    uint64_t digest() const noexcept { return XXH3_64bits_digest(state_.get()); }

private:
    struct Free {
        void operator()(XXH3_state_t* s) const noexcept { XXH3_freeState(s); }
    };
    std::unique_ptr<XXH3_state_t, Free> state_;
};

// §8.1: XXH3-64 seeded with the key's ID space; seed 0 gives the unseeded XXH3-64, so keys of
// the default space hash as they did before ID spaces existed.
inline uint64_t key_hash(std::string_view key, IdSpace space = {}) noexcept {
    return XXH3_64bits_withSeed(key.data(), key.size(), space.id);
}

inline uint64_t key_hash(int64_t key, IdSpace space = {}) noexcept {
    return XXH3_64bits_withSeed(&key, sizeof key, space.id);  // the 8 little-endian bytes (host is little-endian)
}

// Whichever kind of key it holds; whether that kind is the file's is the caller's check.
inline uint64_t key_hash(const Key& key, IdSpace space = {}) noexcept {
    if (const auto* s = std::get_if<std::string_view>(&key)) return key_hash(*s, space);
    return key_hash(*std::get_if<int64_t>(&key), space);
}

}  // namespace mmgraph::format
