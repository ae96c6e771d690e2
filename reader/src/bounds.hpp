// The one choke point for offsets read from a file (spec §12): every access to mapped bytes
// at an offset that came from the file goes through Region::at. The check is written so it
// cannot overflow (len <= size && off <= size - len), and its error names the section, the
// offset and what was expected there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mmgraph/error.hpp"
#include "mmgraph/format/endian.hpp"

namespace mmgraph::detail {

[[noreturn]] void throw_out_of_bounds(const std::string* file, std::string_view section, uint64_t file_offset,
                                      uint64_t size, uint64_t off, uint64_t len, const char* what);

std::string hex(uint64_t value);

struct Region {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    uint64_t file_offset = 0;  // where the region starts in the file, for messages
    std::string_view name;
    const std::string* file = nullptr;  // the file's path, for messages (owned by File::Impl)

    const uint8_t* at(uint64_t off, uint64_t len, const char* what) const {
        if (len > size || off > size - len) throw_out_of_bounds(file, name, file_offset, size, off, len, what);
        return data + off;
    }
    template <typename T>
    T read(uint64_t off, const char* what) const {
        return format::load<T>(at(off, sizeof(T), what));
    }
    uint64_t read_uint(uint64_t off, unsigned width, const char* what) const {
        return format::load_uint(at(off, width, what), width);
    }
    // Decodes a VLQ at `off`; returns its byte length.
    size_t read_vlq(uint64_t off, uint64_t& value, const char* what) const;

    // A damaged file, or a file past a limit (kind limit) of the format or of ReaderOptions.
    [[noreturn]] void fail(uint64_t off, const std::string& what, ErrorKind kind = ErrorKind::damaged) const;
};

}  // namespace mmgraph::detail
