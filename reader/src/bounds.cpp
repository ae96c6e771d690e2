#include "bounds.hpp"

#include <cstdio>

#include "mmgraph/format/vlq.hpp"

namespace mmgraph::detail {

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

namespace {

std::string prefix(const std::string* file) { return file ? *file + ": " : std::string(); }

}  // namespace

void throw_out_of_bounds(const std::string* file, std::string_view section, uint64_t file_offset, uint64_t size,
                         uint64_t off, uint64_t len, const char* what) {
    const Region region{nullptr, size, file_offset, section, file};
    throw DamageAt(ErrorKind::damaged, prefix(file) + "section " + std::string(section) + " (file offset " + hex(file_offset) + ", " + std::to_string(size) +
                   " bytes): " + what + " at offset " + hex(off) + " (" + std::to_string(len) +
                   " bytes) is past the end of the section", region.place(off));
}

size_t Region::read_vlq(uint64_t off, uint64_t& value, const char* what) const {
    if (off >= size) throw_out_of_bounds(file, name, file_offset, size, off, 1, what);
    size_t n = format::vlq_decode(data + off, size - off, value);
    if (n == 0) fail(off, std::string("malformed or truncated size prefix of ") + what);
    if (n > 1 && data[off + n - 1] == 0) fail(off, std::string("size prefix of ") + what + " is not in its shortest form");
    return n;
}

void Region::fail(uint64_t off, const std::string& what, ErrorKind kind) const {
    throw DamageAt(kind, prefix(file) + "section " + std::string(name) + " (file offset " + hex(file_offset) + "): at offset " + hex(off) + ": " + what,
                   place(off));
}

}  // namespace mmgraph::detail
