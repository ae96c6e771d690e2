// The few file-system calls the writer's two temporary files share (the staged edges and the
// output): error text, the directory a path lives in, and unnamed files.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "mmgraph/error.hpp"

namespace mmgraph::detail {

inline std::string errno_text(int err) { return std::strerror(err); }

// An io error whose message ends with the errno's text, as every file error of the writer's does.
[[noreturn]] inline void throw_io(const std::string& what, int err) { throw Error::io(what + ": " + errno_text(err), err); }
inline std::filesystem::path directory_of(const std::filesystem::path& file) {
    return file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
}

// A file in `dir` with no name (O_TMPFILE): it vanishes with its last descriptor, whatever
// happens to the process. -1 with errno set where the file system has no unnamed files.
inline int open_unnamed(const std::filesystem::path& dir, mode_t mode) {
    return ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
}

}  // namespace mmgraph::detail
