#include "output_file.hpp"
#include "os_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include "mmgraph/error.hpp"

namespace mmgraph::detail {

namespace bip = boost::interprocess;

struct OutputFile::Mapping {
    bip::mapped_region region;
};

namespace {

// What bip::mapped_region maps, given an open descriptor: an unnamed file has no path for
// bip::file_mapping to open.
struct DescriptorMappable {
    int fd;
    bip::mapping_handle_t get_mapping_handle() const { return bip::ipcdetail::mapping_handle_from_file_handle(fd); }
};

// Temporary names are ".<target name>.tmp-<pid>-<n>" in the target's directory (spec §12), so
// that a writer killed before its rename leaves a name that says whose it was.
std::string temporary_prefix(const std::filesystem::path& target) { return "." + target.filename().string() + ".tmp-"; }

std::filesystem::path temporary_name(const std::filesystem::path& target) {
    static std::atomic<uint64_t> counter{0};
    auto name = temporary_prefix(target) + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    return target.parent_path() / name;
}

// Removes the temporary files of writers to the same target that are no longer running (killed
// before their rename: SIGKILL, power loss). A temporary whose pid is alive on this machine, or
// whose name does not parse, is left alone.
void remove_stale_temporaries(const std::filesystem::path& target) {
    const auto dir = directory_of(target);
    const std::string prefix = temporary_prefix(target);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;  // creating the temporary will report the problem
    while (const dirent* entry = ::readdir(d)) {
        std::string_view name(entry->d_name);
        if (name.substr(0, prefix.size()) != prefix) continue;
        std::string_view rest = name.substr(prefix.size());
        size_t dash = rest.find('-');
        if (dash == std::string_view::npos) continue;
        pid_t pid = 0;
        auto [end, ec] = std::from_chars(rest.data(), rest.data() + dash, pid);
        if (ec != std::errc() || end != rest.data() + dash || pid <= 0 || pid == ::getpid()) continue;
        if (::kill(pid, 0) != 0 && errno == ESRCH) ::unlinkat(::dirfd(d), entry->d_name, 0);
    }
    ::closedir(d);
}

}  // namespace

OutputFile::OutputFile(std::filesystem::path target, uint64_t size)
    : target_(std::move(target)), temp_(temporary_name(target_)), size_(size) {
    remove_stale_temporaries(target_);
    // Unnamed until complete: a writer killed before commit() then leaves nothing behind. Where
    // the file system has no unnamed files, the temporary has its name from the start.
    // Naming it later goes through /proc/self/fd: without /proc, name it now.
    if (::access("/proc/self/fd", X_OK) == 0) fd_ = open_unnamed(directory_of(target_), 0644);
    if (fd_ >= 0) unnamed_ = true;
    else fd_ = ::open(temp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);  // also reports a missing or read-only directory
    if (fd_ < 0) throw_io("cannot create " + temp_.string(), errno);
    try {
        // Reserve real blocks: writing a sparse mapping on a full disk would raise SIGBUS. glibc
        // emulates the reservation on file systems without fallocate, so there is no fallback to
        // a sparse ftruncate here: an error is a full disk (ENOSPC), the file-size limit
        // (EFBIG; the caller must ignore SIGXFSZ to get it), or a file system that cannot
        // reserve at all, and each is reported instead of risking SIGBUS.
        int err = ::posix_fallocate(fd_, 0, static_cast<off_t>(size_));
        if (err != 0)
            throw_io("cannot reserve " + std::to_string(size_) + " bytes for " + target_.string(), err);
        // Not filled with zeros first: the encoder's threads fault the reserved pages in
        // themselves, at once. A serial pwrite of zeros cost as much kernel time per page as those
        // faults (both are dominated by getting fresh pages), and held every other thread idle:
        // R-MAT scale 22 edge list, encode 3.1 -> 2.1 s.
        mapping_ = std::make_unique<Mapping>();
        // Mapped through its descriptor (an unnamed file has no path to open).
        mapping_->region = bip::mapped_region(DescriptorMappable{fd_}, bip::read_write, 0, static_cast<size_t>(size_));
    } catch (const bip::interprocess_exception& e) {
        mapping_.reset();
        discard();
        throw Error::io("cannot map " + temp_.string() + ": " + e.what(), e.get_native_error());
    } catch (...) {
        mapping_.reset();
        discard();
        throw;
    }
}

void OutputFile::discard() {
    ::close(fd_);
    fd_ = -1;
    if (!unnamed_) ::unlink(temp_.c_str());
}

OutputFile::~OutputFile() {
    mapping_.reset();
    if (fd_ >= 0 && !committed_) discard();
    else if (fd_ >= 0) ::close(fd_);
}

uint8_t* OutputFile::data() const { return static_cast<uint8_t*>(mapping_->region.get_address()); }

void OutputFile::release(uint64_t offset, uint64_t length, bool written) const {
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = (offset + page - 1) / page * page, end = (offset + length) / page * page;
    if (begin < end) ::madvise(data() + begin, end - begin, MADV_DONTNEED);  // a hint: failure changes nothing
    if (written) start_writeback(offset, length);
}

void OutputFile::write(uint64_t offset, const void* bytes, uint64_t length) const {
    const auto* from = static_cast<const uint8_t*>(bytes);
    const uint64_t first = offset, total = length;
    while (length > 0) {
        const ssize_t n = ::pwrite(fd_, from, length, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_io("cannot write " + std::to_string(length) + " bytes at offset " + std::to_string(offset) + " of " + temp_.string(), n < 0 ? errno : EIO);
        from += n, offset += static_cast<uint64_t>(n), length -= static_cast<uint64_t>(n);
    }
    start_writeback(first, total);
}

// Without this, nothing of the file reached the disk before flush(): the kernel writes dirty
// pages back only past a share of memory or after 30 s, so the fsync waited for the whole file
// with every encoding thread idle (s22 edge list: commit 0.31-0.53 -> 0.11-0.18 s, for about
// 0.2 s of these calls spread over the encoding threads).
void OutputFile::start_writeback(uint64_t offset, uint64_t length) const {
    ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length), SYNC_FILE_RANGE_WRITE);  // a hint: flush() reports errors
}

void OutputFile::flush() {
    if (!mapping_->region.flush(0, 0, /*async=*/false)) throw_io("cannot flush " + temp_.string(), errno);
    if (::fsync(fd_) != 0) throw_io("cannot sync " + temp_.string(), errno);
}

void OutputFile::commit() {
    mapping_.reset();
    if (unnamed_) {
        // The complete, flushed file gets its temporary name only now, for the rename.
        const std::string self = "/proc/self/fd/" + std::to_string(fd_);
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp_.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
            ::linkat(fd_, "", AT_FDCWD, temp_.c_str(), AT_EMPTY_PATH) != 0)
            throw_io("cannot name " + temp_.string(), errno);
        unnamed_ = false;  // from here on a failure must remove the name
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0)
        throw_io("cannot rename " + temp_.string() + " to " + target_.string(), errno);
    committed_ = true;
    int dfd = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);  // best effort: the rename is already visible
        ::close(dfd);
    }
}

}  // namespace mmgraph::detail
