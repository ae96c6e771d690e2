// SectionWriter: an encoder's cursor over exactly [begin, end) of the output (DESIGN: plan
// first, then encode). Writing past `end` or finishing short of it is an encoder bug: the
// writer aborts instead of producing a file whose layout disagrees with its plan.
#pragma once

#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include "mmgraph/error.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/vlq.hpp"

namespace mmgraph::detail {

class SectionWriter {
public:
    // `section_base` is where the section starts, so pad_to() aligns section-relative offsets.
    SectionWriter(uint8_t* section_base, uint64_t begin, uint64_t end, std::string what)
        : at_begin_(section_base + begin), cursor_(begin), begin_(begin), end_(end), what_(std::move(what)) {}
    // The same cursor with byte `begin` at `data`: a buffer that holds bytes [begin, end) of the
    // section alone, for a task that hands them to the file in one write (or the section's own
    // bytes, at section_base + begin).
    struct Buffer {
        uint8_t* data;
    };
    SectionWriter(Buffer buffer, uint64_t begin, uint64_t end, std::string what)
        : at_begin_(buffer.data), cursor_(begin), begin_(begin), end_(end), what_(std::move(what)) {}
    SectionWriter(const SectionWriter&) = delete;
    SectionWriter& operator=(const SectionWriter&) = delete;
    ~SectionWriter() {
        if (!finished_ && std::uncaught_exceptions() == 0)
            abort_with("writer dropped before finish()");
    }

    uint64_t position() const { return cursor_; }  // section-relative
    uint64_t remaining() const { return end_ - cursor_; }

    uint8_t* take(uint64_t n) {
        if (n > end_ - cursor_) abort_with("overrun: " + std::to_string(n) + " bytes at " + std::to_string(cursor_));
        uint8_t* p = at_begin_ + (cursor_ - begin_);
        cursor_ += n;
        return p;
    }
    template <typename T>
    void put(T value) { format::store(take(sizeof(T)), value); }
    void put_uint(uint64_t value, unsigned width) { format::store_uint(take(width), value, width); }
    void put_u48(uint64_t value) { format::store_u48(take(6), value); }
    void put_bytes(const void* data, uint64_t n) {
        if (n) std::memcpy(take(n), data, n);
    }
    void put_vlq(uint64_t value) {
        uint8_t buf[format::kMaxVlqBytes];
        put_bytes(buf, format::vlq_encode(buf, value));
    }
    void zeros(uint64_t n) {
        if (n) std::memset(take(n), 0, n);
    }
    void pad_to(uint64_t alignment) { zeros((alignment - cursor_ % alignment) % alignment); }

    // Every byte of [begin, end) must have been written.
    void finish() {
        if (cursor_ != end_)
            abort_with("short fill: wrote " + std::to_string(cursor_ - begin_) + " of " +
                       std::to_string(end_ - begin_) + " bytes");
        finished_ = true;
    }

private:
    [[noreturn]] void abort_with(const std::string& why) const {
        std::string msg = "section writer '" + what_ + "' [" + std::to_string(begin_) + ", " +
                          std::to_string(end_) + "): " + why;
        fail_invariant(msg.c_str(), __FILE__, __LINE__);
    }

    uint8_t* at_begin_;  // where byte `begin` goes
    uint64_t cursor_, begin_, end_;
    std::string what_;
    bool finished_ = false;
};

}  // namespace mmgraph::detail
