// Input files for the importer: a read-only view of a whole file (mapped when it is a regular
// file), the errors at a position of one, and the line counting that chunked parsing needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mmgraph/error.hpp"

namespace mmgraph::importer {

// The line breaks in [begin, end) (LF, CRLF or a lone CR), sixteen bytes at a time: line
// numbers need every chunk's count, and a byte loop takes 0.3 s of CPU for a 500 MB import.
uint64_t count_line_breaks(const char* begin, const char* end);

// An error confined to one row (or header field) of an input file: kind bad_input, with its
// location. The importer can skip the row it occurred in (skip_bad_rows); every other
// mmgraph::Error, bad_input ones included, is fatal.
// What is wrong with a row, where neo4j-admin's skip options tell kinds apart.
enum class RowFault : uint8_t {
    other,             // syntax, a value, a width...
    duplicate_node,    // a key that an earlier row already has (--skip-duplicate-nodes)
    bad_relationship,  // an endpoint no vertex has (--skip-bad-relationships)
};

class InputError : public Error {
public:
    InputError(const std::string& message, InputLocation where, RowFault fault = RowFault::other)
        : Error(message, std::move(where)), fault_(fault) {}
    RowFault fault() const { return fault_; }

private:
    RowFault fault_;
};

// One input file's bytes: a regular file mapped read-only; a gzip or single-file zip file
// (recognised by content) decompressed into an unlinked temporary file that is then mapped,
// so that positions count the text and parsing is the same; a pipe read whole.
class InputBuffer {
public:
    explicit InputBuffer(std::string path);  // throws an io Error "PATH: cannot open: ..."
    ~InputBuffer();
    InputBuffer(const InputBuffer&) = delete;
    InputBuffer& operator=(const InputBuffer&) = delete;

    const std::string& path() const { return path_; }
    bool mapped() const { return mapped_; }  // false: a pipe, read whole (cannot be read twice)
    // A gzip or zip file, whose text was decompressed into a temporary file and mapped: worth
    // keeping for a second pass rather than decompressing again.
    bool decompressed() const { return decompressed_; }
    const char* begin() const { return data_; }
    const char* end() const { return data_ + size_; }
    uint64_t size() const { return size_; }

    // "PATH:LINE:COLUMN" of the byte at `offset`, which lies on line `line`.
    std::string where(uint64_t offset, uint64_t line) const;
    InputLocation locate(uint64_t offset, uint64_t line) const;
    [[noreturn]] void fail(uint64_t offset, uint64_t line, std::string_view reason, RowFault fault = RowFault::other) const;
    // Input before `offset` has been consumed: its pages leave this process's resident set (they
    // stay in the page cache, and reading them again just maps them back). Cheap to call often.
    void release_before(uint64_t offset) const;

private:
    template <typename Fail>
    void map(int fd, Fail&& fail_errno);

    std::string path_;
    const char* data_ = "";  // never null: pointer arithmetic on an empty input stays defined
    uint64_t size_ = 0;
    bool mapped_ = false;
    bool decompressed_ = false;
    mutable uint64_t released_ = 0;  // a hint about residency, not the contents
    std::vector<char> owned_;  // contents of a pipe or other non-regular file
};

}  // namespace mmgraph::importer
