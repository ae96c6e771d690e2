// The one error channel for everything a caller can meet at run time: mmgraph::Error, with a
// kind a program can switch on and a message a person can act on. Broken internal invariants
// are not errors but bugs: MMGRAPH_CHECK aborts with a message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mmgraph {

// What went wrong, as a program needs to know it: whether to report a bad file, point at a bad
// row, raise a limit, retry after fixing the environment, or fix its own code. The CLI's exit
// codes and the Python exceptions map from it.
enum class ErrorKind : uint8_t {
    damaged,    // a file that is not mmgraph's, of an unknown major version, or damaged (§12)
    bad_input,  // input to a writer or the importer: a bad value, row, schema or key
    limit,      // past a limit of the format (§9) or of ReaderOptions
    io,         // the environment: opening, reading, writing, a full disk (error_number() says)
    misuse,     // a caller's mistake: an index out of range, a value read as the wrong type
};

std::string_view kind_name(ErrorKind kind) noexcept;

// Where in an input file a bad_input error was found; line and column count from 1, 0 when the
// error concerns the whole file or line.
struct InputLocation {
    std::string path;
    uint64_t line = 0;
    uint64_t column = 0;
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    // bad_input at a place in a file; the message already names the place for people.
    Error(const std::string& message, InputLocation where)
        : std::runtime_error(message), kind_(ErrorKind::bad_input), location_(std::move(where)) {}

    // An io error carrying the errno that caused it.
    static Error io(const std::string& message, int error_number) {
        Error e(ErrorKind::io, message);
        e.error_number_ = error_number;
        return e;
    }

    // The same error with `context` before its message: kind, errno, location and row kept,
    // for a caller that knows what the error is about.
    Error prefixed(const std::string& context) const {
        Error e(kind_, context + ": " + what());
        e.error_number_ = error_number_;
        e.location_ = location_;
        e.row_ = row_;
        return e;
    }
    // The same error about row `row` of a batch call ("row 12: ...").
    Error at_row(uint64_t row) const {
        Error e = prefixed("row " + std::to_string(row));
        e.row_ = row;
        e.unrowed_ = what();
        return e;
    }
    // An error of at_row's, told by a caller that knows where that row came from: `place`
    // ("edges.txt:12:1") instead of "row 12". Kind, errno and location kept.
    Error moved_to_place(const std::string& place) const {
        Error e(kind_, place + ": " + (row_ && !unrowed_.empty() ? unrowed_ : std::string(what())));
        e.error_number_ = error_number_;
        e.location_ = location_;
        return e;
    }

    ErrorKind kind() const noexcept { return kind_; }
    int error_number() const noexcept { return error_number_; }  // io: the errno, else 0
    const std::optional<InputLocation>& location() const noexcept { return location_; }
    std::optional<uint64_t> row() const noexcept { return row_; }  // set by at_row

private:
    ErrorKind kind_;
    int error_number_ = 0;
    std::optional<InputLocation> location_;
    std::optional<uint64_t> row_;
    std::string unrowed_;  // at_row's: the message before "row N: " (prefixed() leaves it empty)
};

inline std::string_view kind_name(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::damaged: return "damaged";
    case ErrorKind::bad_input: return "bad_input";
    case ErrorKind::limit: return "limit";
    case ErrorKind::io: return "io";
    case ErrorKind::misuse: return "misuse";
    }
    return "unknown";
}

[[noreturn]] inline void fail_invariant(const char* what, const char* file, int line) {
    std::fprintf(stderr, "mmgraph: internal invariant broken at %s:%d: %s\n", file, line, what);
    std::abort();
}

}  // namespace mmgraph

#define MMGRAPH_CHECK(cond, what) \
    ((cond) ? (void)0 : ::mmgraph::fail_invariant(what, __FILE__, __LINE__))
