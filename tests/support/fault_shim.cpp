// LD_PRELOAD shim for the crash-safety tests: makes one system call fail the way a full disk or
// a failing device would, on any machine, without privileges. MMGRAPH_FAULT=CALL:ERRNO, with
// CALL posix_fallocate, pwrite or fsync and ERRNO ENOSPC, EFBIG or EIO; unset, every call passes
// through.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

// The errno to fail `call` with, or 0 to let it through.
int injected(const char* call) {
    const char* spec = std::getenv("MMGRAPH_FAULT");
    if (!spec) return 0;
    const char* colon = std::strchr(spec, ':');
    if (!colon || std::strncmp(spec, call, static_cast<size_t>(colon - spec)) != 0 || call[colon - spec] != '\0') return 0;
    if (std::strcmp(colon + 1, "ENOSPC") == 0) return ENOSPC;
    if (std::strcmp(colon + 1, "EFBIG") == 0) return EFBIG;
    if (std::strcmp(colon + 1, "EIO") == 0) return EIO;
    return 0;
}

template <typename Fn>
Fn next(const char* name) {
    return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int posix_fallocate(int fd, off_t offset, off_t length) {
    if (int err = injected("posix_fallocate")) return err;  // returns the error, like the real one
    return next<int (*)(int, off_t, off_t)>("posix_fallocate")(fd, offset, length);
}

extern "C" int posix_fallocate64(int fd, off_t offset, off_t length) {
    if (int err = injected("posix_fallocate")) return err;
    return next<int (*)(int, off_t, off_t)>("posix_fallocate64")(fd, offset, length);
}

extern "C" ssize_t pwrite(int fd, const void* bytes, size_t length, off_t offset) {
    if (int err = injected("pwrite")) {
        errno = err;
        return -1;
    }
    return next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite")(fd, bytes, length, offset);
}

extern "C" ssize_t pwrite64(int fd, const void* bytes, size_t length, off_t offset) {
    if (int err = injected("pwrite")) {
        errno = err;
        return -1;
    }
    return next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64")(fd, bytes, length, offset);
}

extern "C" int fsync(int fd) {
    if (int err = injected("fsync")) {
        errno = err;
        return -1;
    }
    return next<int (*)(int)>("fsync")(fd);
}
