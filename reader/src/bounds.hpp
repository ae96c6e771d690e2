// The one choke point for offsets read from a file (spec §12): every access to mapped bytes
// at an offset that came from the file goes through Region::at, or through MappedBytes::peek
// (reader.hpp), the same check without an error, which for_each_neighbour inlines. The check is
// written so it cannot overflow (len <= size && off <= size - len), and Region::at's error names
// the section, the offset and what was expected there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mmgraph/error.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::detail {

[[noreturn]] void throw_out_of_bounds(const std::string* file, std::string_view section, uint64_t file_offset,
                                      uint64_t size, uint64_t off, uint64_t len, const char* what);

std::string hex(uint64_t value);

// A damaged file at a known place. Everyone catches it as the mmgraph::Error it is; verify_all
// also reads the place, to report the problem where it lies (the offset is inside the file).
class DamageAt : public Error {
public:
    DamageAt(ErrorKind kind, const std::string& message, uint64_t file_offset, uint64_t length = 0)
        : Error(kind, message), file_offset_(file_offset), length_(length) {}
    uint64_t file_offset() const noexcept { return file_offset_; }
    uint64_t length() const noexcept { return length_; }  // bytes the problem covers; 0: a point

private:
    uint64_t file_offset_;
    uint64_t length_;
};

struct Region : MappedBytes {
    uint64_t file_offset = 0;  // where the region starts in the file, for messages
    std::string_view name;
    const std::string* file = nullptr;  // the file's path, for messages (owned by File::Impl)

    const uint8_t* at(uint64_t off, uint64_t len, const char* what) const {
        if (len > size || off > size - len) throw_out_of_bounds(file, name, file_offset, size, off, len, what);
        return data + off;
    }
    // MappedBytes::peek is the same check without an error, for the walks that hand a record
    // they cannot take to a path whose checked reads report it.
    template <typename T>
    T read(uint64_t off, const char* what) const {
        return format::load<T>(at(off, sizeof(T), what));
    }
    uint64_t read_uint(uint64_t off, unsigned width, const char* what) const {
        return format::load_uint(at(off, width, what), width);
    }
    // Decodes a VLQ at `off`; returns its byte length.
    size_t read_vlq(uint64_t off, uint64_t& value, const char* what) const;
    // The file offset of `off`, kept inside the region so that a problem is placed in its section.
    uint64_t place(uint64_t off) const { return file_offset + (size == 0 ? 0 : off < size ? off : size - 1); }

    // A damaged file, or a file past a limit (kind limit) of the format or of ReaderOptions;
    // thrown as DamageAt, placed at `off` (or the region's last byte when `off` is past it).
    [[noreturn]] void fail(uint64_t off, const std::string& what, ErrorKind kind = ErrorKind::damaged) const;
};

}  // namespace mmgraph::detail
