// UTF-8 validity for every text the format stores (names §4.1, string keys and values §4.3):
// the writers refuse invalid text, `verify` reports it, the importer refuses or replaces it.
// The sequence rules (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) are
// utfcpp's; the ASCII fast path is ours, because nearly every byte of real data is ASCII.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

#include <utf8.h>

namespace mmgraph::format {

// Offset of the first byte of `text` that does not belong to a valid UTF-8 sequence, or
// text.size() when the whole text is valid.
inline size_t first_invalid_utf8(std::string_view text) noexcept {
    size_t at = 0;
    for (uint64_t word; at + sizeof word <= text.size(); at += sizeof word) {
        std::memcpy(&word, text.data() + at, sizeof word);
        if (word & 0x8080808080808080ull) break;
    }
    while (at < text.size() && static_cast<unsigned char>(text[at]) < 0x80) ++at;
    if (at == text.size()) return at;
    return static_cast<size_t>(utf8::find_invalid(text.begin() + static_cast<ptrdiff_t>(at), text.end()) - text.begin());
}

inline bool is_valid_utf8(std::string_view text) noexcept { return first_invalid_utf8(text) == text.size(); }

// Appends `text` to `out` with every invalid sequence replaced by U+FFFD (EF BF BD), as
// decoders that replace rather than refuse do.
inline void append_replacing_invalid_utf8(std::string& out, std::string_view text) {
    utf8::replace_invalid(text.begin(), text.end(), std::back_inserter(out));
}

// "0xC3": a byte as messages about invalid text name it.
inline std::string hex_byte(char byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(byte)));
    return hex;
}

}  // namespace mmgraph::format
