// Small text helpers for the importer's messages and header grammar.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "mmgraph/format/utf8.hpp"

namespace mmgraph::importer {

// A value for a message: quoted, cut short (at a character boundary) when long, and with
// control characters and bytes that are not UTF-8 written as escapes, so that a message never
// carries a raw CR or an invalid byte to the terminal.
inline std::string quote(std::string_view text) {
    constexpr size_t kMax = 40;
    const bool cut_short = text.size() > kMax;
    if (cut_short) {
        size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text = text.substr(0, cut);
    }
    std::string out = "'";
    while (!text.empty()) {
        const size_t bad = format::first_invalid_utf8(text);
        for (char c : text.substr(0, bad)) {
            if (c == '\r') out += "\\r";
            else if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += "\\x" + format::hex_byte(c).substr(2);
            else out += c;
        }
        if (bad == text.size()) break;
        out += "\\x" + format::hex_byte(text[bad]).substr(2);
        text.remove_prefix(bad + 1);
    }
    return out + (cut_short ? "...'" : "'");
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Without leading and trailing spaces and control characters (up to U+0020, as Java's trim).
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
    return s;
}

inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace mmgraph::importer
