#include "byte_window.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace mmgraph::viewer {

std::optional<uint64_t> parse_offset(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

const OwnedRun* ByteWindow::run_at(uint64_t offset) const {
    auto it = std::upper_bound(runs.begin(), runs.end(), offset, [](uint64_t o, const OwnedRun& r) { return o < r.offset; });
    if (it == runs.begin()) return nullptr;
    --it;
    return offset - it->offset < it->size ? &*it : nullptr;
}

namespace {

bool same_owner(const ByteOwner& a, const ByteOwner& b) {
    if (a.section != b.section || a.area != b.area || a.vertex != b.vertex || a.detail != b.detail) return false;
    if (a.field.has_value() != b.field.has_value()) return false;
    return !a.field || (a.field->offset == b.field->offset && a.field->name == b.field->name);
}

}  // namespace

ByteWindow read_byte_window(const File& file, uint64_t begin, uint64_t length) {
    ByteWindow window;
    const uint64_t size = file.file_size();
    window.begin = std::min(begin, size);
    const uint64_t end = window.begin + std::min(length, size - window.begin);
    window.bytes.assign(file.data() + window.begin, file.data() + end);
    for (uint64_t at = window.begin; at < end;) {
        ByteOwner owner = owner_of(file, at);
        // A field names its extent; elsewhere the owner may change at any byte.
        uint64_t next = at + 1;
        if (owner.field && owner.field->offset + owner.field->size > at) next = std::min(end, owner.field->offset + owner.field->size);
        if (!window.runs.empty() && window.runs.back().offset + window.runs.back().size == at && same_owner(window.runs.back().owner, owner)) {
            window.runs.back().size += next - at;
        } else {
            window.runs.push_back({at, next - at, std::move(owner)});
        }
        at = next;
    }
    return window;
}

std::string describe_owner(const File& file, const ByteOwner& owner) {
    std::string text = owner.area;
    if (owner.section >= 0) {
        char place[32];
        std::snprintf(place, sizeof place, " +0x%llx", static_cast<unsigned long long>(owner.section_offset));
        text += place;
    }
    if (owner.vertex) {
        text += ", vertex " + std::to_string(*owner.vertex);
        try {
            const bool quoted = file.key_type() == KeyType::string;
            const std::string key = file.vertex(*owner.vertex).key_string();
            text += " (key " + (quoted ? "'" + key + "'" : key) + ")";
        } catch (const Error&) {
            text += " (key unreadable)";
        }
    }
    if (!owner.detail.empty()) text += ", " + owner.detail;
    if (owner.field) text += ", " + std::string(part_name(owner.field->part)) + " field '" + owner.field->name + "' = " + owner.field->value;
    return text;
}

}  // namespace mmgraph::viewer
