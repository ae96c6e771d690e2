// The output of one shard: a temporary file next to the target (unnamed until commit where the
// file system allows), sized and block-reserved up front (so a full disk fails here, cleanly, not
// as SIGBUS during encoding), mapped read-write, then flushed, named and renamed over the target
// (spec §12). Destroyed uncommitted, it leaves nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

namespace mmgraph::detail {

class OutputFile {
public:
    OutputFile(std::filesystem::path target, uint64_t size);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    uint8_t* data() const;
    // [offset, offset + length) is written: its whole pages leave this process's resident set.
    // They stay in the page cache (a shared mapping's writes live there), and touching them again
    // maps them back, so this bounds the writer's memory without changing a byte. Where they
    // were `written` (not only read back), their writing to disk starts, as after write(), so
    // that flush() waits for little.
    void release(uint64_t offset, uint64_t length, bool written = true) const;
    // A page cache folio can be this large (x86-64: one PMD). Faulting any page of a folio may map
    // all of it, so reading on from a released range maps back up to this much before it; a
    // sequential reader releases this much behind each piece again.
    static constexpr uint64_t kLargestFolio = 2u << 20;
    // Writes [offset, offset + length) from `bytes` through the descriptor, not the mapping: a
    // first touch of a reserved page through the mapping has the kernel zero it before the
    // encoder overwrites it, and a write into the page cache skips that.
    void write(uint64_t offset, const void* bytes, uint64_t length) const;
    uint64_t size() const { return size_; }
    const std::filesystem::path& target() const { return target_; }

    void flush();   // data and metadata durable under the temporary name
    void commit();  // rename over the target and make the rename durable

private:
    struct Mapping;
    void discard();  // closes, and removes the temporary if it has a name
    void start_writeback(uint64_t offset, uint64_t length) const;  // of written bytes, without waiting
    std::filesystem::path target_, temp_;
    uint64_t size_;
    int fd_ = -1;
    std::unique_ptr<Mapping> mapping_;
    bool committed_ = false;
    bool unnamed_ = false;  // created with O_TMPFILE and not yet linked under temp_
};

}  // namespace mmgraph::detail
