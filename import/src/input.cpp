#include "mmgraph/import/input.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

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

enum class Compression { none, gzip, zip };

// By content, not by name: a gzip member starts 1F 8B, a zip archive with its first local file
// header 50 4B 03 04; neither can begin a CSV file or an edge list.
Compression compression_of(int fd) {
    unsigned char magic[4] = {};
    const ssize_t n = ::pread(fd, magic, sizeof magic, 0);
    if (n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B) return Compression::gzip;
    if (n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) return Compression::zip;
    return Compression::none;
}

// An unlinked file in $TMPDIR (else /tmp) to decompress into: its pages are page cache that the
// kernel may write out and reclaim, not heap, and it disappears with its descriptor.
int anonymous_temp_file(const std::string& path) {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env && *env ? env : "/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {  // a file system without O_TMPFILE
        std::string name = dir + "/mmgraph-input-XXXXXX";
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(name.c_str());
    }
    if (fd < 0) {
        const int error = errno;
        throw Error::io(path + ": cannot create a temporary file in " + dir + " to decompress into: " + std::strerror(error), error);
    }
    return fd;
}

// Decompresses the single file that a gzip stream or a zip archive holds into `out` (libarchive
// reads both, concatenated gzip members included); returns the decompressed size.
uint64_t decompress(int in, int out, Compression kind, const std::string& path) {
    std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
    const char* what = kind == Compression::gzip ? "gzip" : "zip";
    auto fail = [&](const std::string& why) -> void {
        throw Error(ErrorKind::bad_input, path + ": cannot read it as " + what + ": " + why);
    };
    // libarchive leaves the message unset for some damage.
    auto reason = [&] {
        const char* text = archive_error_string(a.get());
        return std::string(text ? text : "damaged data");
    };
    if (kind == Compression::gzip) {
        archive_read_support_filter_gzip(a.get());
        archive_read_support_format_raw(a.get());
    } else {
        archive_read_support_format_zip(a.get());
    }
    if (archive_read_open_fd(a.get(), in, 1 << 20) != ARCHIVE_OK) fail(reason());
    archive_entry* entry = nullptr;
    int status;
    while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK && archive_entry_filetype(entry) == AE_IFDIR) {
    }
    if (status == ARCHIVE_EOF) fail("the archive holds no file");
    if (status != ARCHIVE_OK) fail(reason());
    auto name_of = [](archive_entry* e) { return std::string(archive_entry_pathname(e) ? archive_entry_pathname(e) : "?"); };
    const std::string name = name_of(entry);
    std::vector<char> buffer(1 << 20);
    uint64_t total = 0;
    for (;;) {
        const la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
        if (n < 0) fail("damaged after " + std::to_string(total) + " bytes of text: " + reason());
        if (n == 0) break;
        for (la_ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out, buffer.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                const int error = errno;
                throw Error::io(path + ": cannot write the decompressed text to a temporary file: " + std::strerror(error), error);
            }
            done += w;
        }
        total += static_cast<uint64_t>(n);
    }
    while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK && archive_entry_filetype(entry) == AE_IFDIR) {
    }
    if (status == ARCHIVE_OK)
        fail("the archive holds more than one file ('" + name + "', then '" + name_of(entry) +
             "'); give each file on its own");
    return total;
}

}  // namespace

uint64_t count_line_breaks(const char* begin, const char* end) {
    using Bytes = unsigned char __attribute__((vector_size(16)));
    const size_t size = static_cast<size_t>(end - begin);
    uint64_t total = 0;
    size_t at = 0;
    // A break is an LF, or a CR not followed by an LF: each LF and each CR counts, and each
    // CRLF pair takes one back. Pairs are looked for (loading each byte a second time, one
    // further on) only in groups of blocks that hold a CR, which most files have none of.
    while (size - at > sizeof(Bytes)) {
        // Each lane counts its matches (a compare gives -1 per match) for at most 127 blocks.
        Bytes counts = {}, any_cr = {};
        const size_t blocks = std::min<size_t>((size - at - 1) / sizeof(Bytes), 127);
        const size_t group = at;
        for (size_t b = 0; b < blocks; ++b, at += sizeof(Bytes)) {
            Bytes block;
            std::memcpy(&block, begin + at, sizeof(Bytes));
            const Bytes cr = reinterpret_cast<Bytes>(block == '\r');
            counts -= reinterpret_cast<Bytes>(block == '\n') + cr;
            any_cr |= cr;
        }
        uint64_t any = 0;
        for (size_t lane = 0; lane < sizeof(Bytes); ++lane) any |= any_cr[lane];
        if (any) {
            // The group stops one byte short of the end, so each block's next byte is there.
            for (size_t from = group; from < at; from += sizeof(Bytes)) {
                Bytes block, next;
                std::memcpy(&block, begin + from, sizeof(Bytes));
                std::memcpy(&next, begin + from + 1, sizeof(Bytes));
                counts += reinterpret_cast<Bytes>(block == '\r') & reinterpret_cast<Bytes>(next == '\n');
            }
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
        if (const Compression kind = compression_of(fd.get()); kind != Compression::none) {
            Descriptor text(anonymous_temp_file(path_));
            size_ = decompress(fd.get(), text.get(), kind, path_);
            decompressed_ = true;
            map(text.get(), fail_errno);
            return;
        }
        size_ = static_cast<uint64_t>(st.st_size);
        map(fd.get(), fail_errno);
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

template <typename Fail>
void InputBuffer::map(int fd, Fail&& fail_errno) {
    if (size_ == 0) return;  // mmap refuses length 0; an empty view is all we need
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) fail_errno("cannot map");
    ::madvise(p, size_, MADV_SEQUENTIAL);
    data_ = static_cast<const char*>(p);
    mapped_ = true;
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

void InputBuffer::fail(uint64_t offset, uint64_t line, std::string_view reason, RowFault fault) const {
    InputLocation at = locate(offset, line);
    std::string message = path_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + std::string(reason);
    throw InputError(message, std::move(at), fault);
}

}  // namespace mmgraph::importer
