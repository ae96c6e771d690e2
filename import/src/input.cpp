#include "mmgraph/import/input.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace mmgraph::importer {

namespace {

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

uint64_t count_line_breaks(const char* begin, const char* end) {
    using Bytes = unsigned char __attribute__((vector_size(16)));
    const size_t size = static_cast<size_t>(end - begin);
    uint64_t total = 0;
    size_t at = 0;
    // A break is an LF, or a CR not followed by an LF: each LF and each CR counts, and each
    // CRLF pair (its LF loaded one byte further on) takes one back.
    while (size - at > sizeof(Bytes)) {
        // Each lane counts its matches (a compare gives -1 per match) for at most 127 blocks.
        Bytes counts = {};
        const size_t blocks = std::min<size_t>((size - at - 1) / sizeof(Bytes), 127);
        for (size_t b = 0; b < blocks; ++b, at += sizeof(Bytes)) {
            Bytes block, next;
            std::memcpy(&block, begin + at, sizeof(Bytes));
            std::memcpy(&next, begin + at + 1, sizeof(Bytes));
            const Bytes cr = reinterpret_cast<Bytes>(block == '\r');
            counts -= reinterpret_cast<Bytes>(block == '\n') + cr;
            counts += cr & reinterpret_cast<Bytes>(next == '\n');
        }
        for (size_t lane = 0; lane < sizeof(Bytes); ++lane) total += counts[lane];
    }
    for (; at < size; ++at)
        total += begin[at] == '\n' || (begin[at] == '\r' && (at + 1 == size || begin[at + 1] != '\n'));
    return total;
}

InputBuffer::InputBuffer(std::string path) : path_(std::move(path)) {
    auto fail_errno = [&](const char* what) {
        const int error = errno;
        throw Error::io(path_ + ": " + what + ": " + std::strerror(error), error);
    };
    Descriptor fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail_errno("cannot open");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail_errno("cannot stat");
    if (S_ISDIR(st.st_mode)) throw Error::io(path_ + ": is a directory", EISDIR);
    if (S_ISREG(st.st_mode)) {
        size_ = static_cast<uint64_t>(st.st_size);
        if (size_ == 0) return;  // mmap refuses length 0; an empty view is all we need
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
        if (p == MAP_FAILED) fail_errno("cannot map");
        ::madvise(p, size_, MADV_SEQUENTIAL);
        data_ = static_cast<const char*>(p);
        mapped_ = true;
        return;
    }
    // A pipe or device (e.g. <(zcat nodes.csv.gz)): read it whole.
    std::vector<char> buffer(1 << 20);
    uint64_t used = 0;
    for (;;) {
        if (used == buffer.size()) buffer.resize(buffer.size() * 2);
        ssize_t n = ::read(fd.get(), buffer.data() + used, buffer.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_errno("cannot read");
        }
        if (n == 0) break;
        used += static_cast<uint64_t>(n);
    }
    buffer.resize(used);
    owned_ = std::move(buffer);
    data_ = owned_.data();
    size_ = used;
}

void InputBuffer::release_before(uint64_t offset) const {
    constexpr uint64_t kStep = 8u << 20;  // one madvise per 8 MiB consumed
    if (!mapped_ || offset < released_ + kStep) return;  // the common case: called once per row
    // Reading on maps back whole page cache folios, which may begin before `released_`: go
    // back one largest folio (x86-64: 2 MiB) to release those pages again.
    constexpr uint64_t kLargestFolio = 2u << 20;
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = released_ - std::min(released_, kLargestFolio), end = offset / page * page;
    ::madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
    released_ = end;
}

InputBuffer::~InputBuffer() {
    if (mapped_) ::munmap(const_cast<char*>(data_), size_);
}

std::string InputBuffer::where(uint64_t offset, uint64_t line) const {
    const InputLocation at = locate(offset, line);
    return path_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

InputLocation InputBuffer::locate(uint64_t offset, uint64_t line) const {
    offset = std::min(offset, size_);
    uint64_t start = offset;
    while (start > 0 && data_[start - 1] != '\n' && data_[start - 1] != '\r') --start;
    uint64_t column = 1;
    for (uint64_t i = start; i < offset; ++i)
        if ((static_cast<unsigned char>(data_[i]) & 0xC0) != 0x80) ++column;  // skip continuation bytes
    return InputLocation{path_, line, column};
}

void InputBuffer::fail(uint64_t offset, uint64_t line, std::string_view reason) const {
    InputLocation at = locate(offset, line);
    std::string message = path_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + std::string(reason);
    throw InputError(message, std::move(at));
}

}  // namespace mmgraph::importer
