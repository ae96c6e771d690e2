// The one error channel for bad input (damaged files, bad API or CSV input): mmgraph::Error.
// Broken internal invariants are not errors but bugs: MMGRAPH_CHECK aborts with a message.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace mmgraph {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An Error of the environment rather than of the input (a full disk, an unusable temporary
// directory): retrying the same input will not help, and an importer that skips bad rows must
// not skip it.
class SystemError : public Error {
public:
    using Error::Error;
};

[[noreturn]] inline void fail_invariant(const char* what, const char* file, int line) {
    std::fprintf(stderr, "mmgraph: internal invariant broken at %s:%d: %s\n", file, line, what);
    std::abort();
}

}  // namespace mmgraph

#define MMGRAPH_CHECK(cond, what) \
    ((cond) ? (void)0 : ::mmgraph::fail_invariant(what, __FILE__, __LINE__))
