#include "mmgraph/import/csv.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
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
    while (size - at >= sizeof(Bytes)) {
        // Each lane counts its matches (a compare gives -1 per match) for at most 255 blocks.
        Bytes counts = {};
        const size_t blocks = std::min<size_t>((size - at) / sizeof(Bytes), 255);
        for (size_t b = 0; b < blocks; ++b, at += sizeof(Bytes)) {
            Bytes block;
            std::memcpy(&block, begin + at, sizeof(Bytes));
            counts -= reinterpret_cast<Bytes>(block == '\n');
        }
        for (size_t lane = 0; lane < sizeof(Bytes); ++lane) total += counts[lane];
    }
    for (; at < size; ++at) total += begin[at] == '\n';
    return total;
}

InputBuffer::InputBuffer(std::string path) : path_(std::move(path)) {
    auto fail_errno = [&](const char* what) { throw Error(path_ + ": " + what + ": " + std::strerror(errno)); };
    Descriptor fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail_errno("cannot open");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail_errno("cannot stat");
    if (S_ISDIR(st.st_mode)) throw Error(path_ + ": is a directory");
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
    offset = std::min(offset, size_);
    uint64_t start = offset;
    while (start > 0 && data_[start - 1] != '\n') --start;
    uint64_t column = 1;
    for (uint64_t i = start; i < offset; ++i)
        if ((static_cast<unsigned char>(data_[i]) & 0xC0) != 0x80) ++column;  // skip continuation bytes
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void InputBuffer::fail(uint64_t offset, uint64_t line, std::string_view reason) const {
    throw InputError(where(offset, line) + ": " + std::string(reason));
}

CsvReader::CsvReader(const InputBuffer& input, char delimiter)
    : input_(input), p_(input.begin()), delimiter_(delimiter) {
    // A UTF-8 byte order mark (spreadsheet exports) is not part of the first header name.
    if (input.size() >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;
}

CsvReader::CsvReader(const InputBuffer& input, char delimiter, uint64_t offset, uint64_t line)
    : input_(input), p_(input.begin() + std::min(offset, input.size())), line_(line), delimiter_(delimiter) {}

void CsvReader::skip_line() {
    const char* end = input_.end();
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', static_cast<size_t>(end - p_)));
    if (!nl) {
        p_ = end;
        return;
    }
    p_ = nl + 1;
    ++line_;
}

bool CsvReader::next(CsvRecord& record, uint64_t limit) {
    const char* const begin = input_.begin();
    const char* const end = input_.end();
    const char* const last_start = begin + std::min(limit, input_.size());  // records start before it
    const char delim = delimiter_;
    const char* p = p_;
    while (p < last_start) {  // blank lines
        if (p < end && *p == '\n') {
            ++p;
            ++line_;
        } else if (p + 1 < end && p[0] == '\r' && p[1] == '\n') {
            p += 2;
            ++line_;
        } else if (p + 1 == end && *p == '\r') {
            ++p;
        } else {
            break;
        }
    }
    p_ = p;
    if (p >= last_start) return false;

    record.fields.clear();
    record.scratch.clear();
    record.line = line_;
    bool any_escaped = false;
    for (;;) {
        CsvField& field = record.fields.emplace_back();
        field.offset = static_cast<uint64_t>(p - begin);
        field.line = line_;
        if (p < end && *p == '"') {
            field.quoted = true;
            const char* segment = ++p;
            for (;;) {
                auto q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
                if (!q) {
                    p_ = end;  // the rest of the input is inside the quotes: nothing to resume at
                    input_.fail(field.offset, field.line, "quoted field is not closed (opening quote here)");
                }
                line_ += count_line_breaks(p, q);
                if (q + 1 < end && q[1] == '"') {  // "" stands for one quote
                    if (!field.escaped) {
                        field.escaped = any_escaped = true;
                        field.scratch_begin = record.scratch.size();
                    }
                    record.scratch.append(segment, q + 1);
                    p = segment = q + 2;
                    continue;
                }
                if (field.escaped) {
                    record.scratch.append(segment, q);
                    field.text = {nullptr, record.scratch.size() - field.scratch_begin};
                } else {
                    field.text = {segment, static_cast<size_t>(q - segment)};
                }
                p = q + 1;
                break;
            }
            if (p < end && *p == delim) {
                ++p;
                continue;
            }
            const char* stop = p;
            if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n')) ++p;
            if (p < end && *p != '\n') {
                uint64_t at = static_cast<uint64_t>(p - begin), line = line_;
                p_ = p;
                skip_line();
                input_.fail(at, line, "unexpected character after the closing quote of a field (a quote inside a quoted field must be doubled)");
            }
            record.end_offset = static_cast<uint64_t>(stop - begin);
            record.end_line = line_;
            if (p < end) {
                ++p;
                ++line_;
            }
            break;
        }
        const char* q = p;
        while (q < end && *q != delim && *q != '\n') ++q;
        if (q < end && *q == delim) {
            field.text = {p, static_cast<size_t>(q - p)};
            p = q + 1;
            continue;
        }
        const char* text_end = q;
        if (q > p && q[-1] == '\r') --text_end;  // CRLF, or a last line ending in CR
        field.text = {p, static_cast<size_t>(text_end - p)};
        record.end_offset = static_cast<uint64_t>(text_end - begin);
        record.end_line = line_;
        p = q;
        if (p < end) {
            ++p;
            ++line_;
        }
        break;
    }
    // Views into the scratch copy are made last: appending may have moved it.
    if (any_escaped)
        for (CsvField& f : record.fields)
            if (f.escaped) f.text = {record.scratch.data() + f.scratch_begin, f.text.size()};
    p_ = p;
    return true;
}

void EdgeListReader::fail(const char* at, std::string_view reason) {
    uint64_t line = line_;
    auto nl = static_cast<const char*>(std::memchr(at, '\n', static_cast<size_t>(input_.end() - at)));
    p_ = nl ? nl + 1 : input_.end();
    if (nl) ++line_;
    input_.fail(static_cast<uint64_t>(at - input_.begin()), line, reason);
}

bool EdgeListReader::next(int64_t& from, int64_t& to, uint64_t limit) {
    const char* const end = input_.end();
    const char* const last_start = input_.begin() + std::min(limit, input_.size());  // lines start before it
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    auto line_end = [&](const char* p) { return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n')); };
    for (;;) {
        if (p_ >= last_start) return false;
        const char* p = p_;
        while (p < end && blank(*p)) ++p;
        if (p == end) {
            p_ = end;
            return false;
        }
        if (*p == '#' || line_end(p)) {  // comment or blank line
            auto nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
            p_ = nl ? nl + 1 : end;
            if (nl) ++line_;
            continue;
        }
        int64_t ids[2];
        for (int64_t& id : ids) {
            if (&id == &ids[1]) {
                while (p < end && blank(*p)) ++p;
                if (line_end(p)) fail(p, "expected two vertex ids, found one");
            }
            auto [next, ec] = std::from_chars(p, end, id);
            if (ec == std::errc::result_out_of_range) fail(p, "vertex id does not fit in a 64-bit signed integer");
            if (ec != std::errc() || !(line_end(next) || blank(*next))) fail(p, "expected an integer vertex id");
            p = next;
        }
        while (p < end && blank(*p)) ++p;
        if (!line_end(p)) fail(p, "more than two fields (an edge list line is: FROM TO)");
        if (p < end && *p == '\r') ++p;
        if (p < end) {
            ++p;
            ++line_;
        }
        p_ = p;
        from = ids[0];
        to = ids[1];
        return true;
    }
}

}  // namespace mmgraph::importer
