// Parsing for the importer: an RFC 4180 CSV reader over an InputBuffer (input.hpp) that hands
// out fields as views, not copies, and a reader of SNAP-style edge lists.
//
// Positions: every field carries its byte offset and 1-based line, so that an error can name
// FILE:LINE:COLUMN. The column (1-based, in UTF-8 characters) is only computed when an error is
// reported, by scanning back to the start of the line: the hot path counts lines, nothing more.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "mmgraph/import/input.hpp"

namespace mmgraph::importer {

struct CsvField {
    std::string_view text;  // contents, quotes removed and doubled quotes undoubled
    uint64_t offset = 0;    // of the field's first byte (its opening quote when quoted)
    uint64_t line = 0;
    bool quoted = false;
    bool escaped = false;        // text lives in CsvRecord::scratch (it had doubled quotes)
    uint64_t scratch_begin = 0;  // where, while the record is being read
};

struct CsvRecord {
    std::vector<CsvField> fields;
    uint64_t line = 0;        // of the first field
    uint64_t end_offset = 0;  // of the line break (or end of input) that ended the record
    uint64_t end_line = 0;
    std::string scratch;      // undoubled copies of fields that contained ""
};

// What a record holding bytes that are not UTF-8 gets (spec §4.3: stored text is UTF-8).
enum class InvalidUtf8 : uint8_t {
    refuse,   // an error naming the first bad byte
    replace,  // each invalid sequence of a field becomes U+FFFD, as Neo4j's importer reads it
};

// How a CSV file is written: its field delimiter and quote character, and what text that is not
// UTF-8 gets. Converts from a delimiter alone, the common case.
struct CsvDialect {
    CsvDialect(char delimiter_ = ',', char quote_ = '"', InvalidUtf8 invalid_utf8_ = InvalidUtf8::refuse)
        : delimiter(delimiter_), quote(quote_), invalid_utf8(invalid_utf8_) {}
    char delimiter;
    char quote;
    InvalidUtf8 invalid_utf8;
};

// Reads records one by one. Records end at LF, CRLF or a lone CR (old Mac exports; the CR is
// never part of the last field); inside quotes all three are data. The quote character is the
// dialect's (RFC 4180's double quote by default). Blank lines are skipped. A
// quote inside an unquoted field is taken literally. Syntax errors, and bytes that are not
// UTF-8 when refused, throw InputError after moving past the bad record, so that the caller may
// continue with the next one.
class CsvReader {
public:
    CsvReader(const InputBuffer& input, CsvDialect dialect);
    // Reads from `offset` (the start of a line, which is line `line`) on.
    CsvReader(const InputBuffer& input, CsvDialect dialect, uint64_t offset, uint64_t line);

    // The next record, or false at the end of the input. With a limit, false also when the next
    // record starts at or after offset `limit` (the reader then stops at the first such byte).
    bool next(CsvRecord& record, uint64_t limit = UINT64_MAX);
    uint64_t offset() const { return static_cast<uint64_t>(p_ - input_.begin()); }
    uint64_t line() const { return line_; }  // of the byte at offset()
    const InputBuffer& input() const { return input_; }

private:
    void skip_line();
    void check_utf8(CsvRecord& record);
    bool next_short_plain(CsvRecord& record);

    const InputBuffer& input_;
    const char* p_;
    uint64_t line_ = 1;
    CsvDialect dialect_;
};

// SNAP edge lists: one edge per line as two integers separated by spaces or tabs; lines
// starting with '#' are comments; lines end as CSV records do. Errors throw InputError after moving to the next line.
class EdgeListReader {
public:
    explicit EdgeListReader(const InputBuffer& input) : input_(input), p_(input.begin()) {}
    // Reads from `offset` (the start of a line, which is line `line`) on.
    EdgeListReader(const InputBuffer& input, uint64_t offset, uint64_t line)
        : input_(input), p_(input.begin() + std::min(offset, input.size())), line_(line) {}

    // The next edge, or false at the end of the input. With a limit, false also when the next
    // line starts at or after offset `limit`.
    bool next(int64_t& from, int64_t& to, uint64_t limit = UINT64_MAX);
    // The edges of the plain lines from here on (two ids of 1 to 7 digits, one space or tab
    // between them, LF after: nearly every line of a SNAP file), as next() reads them, into
    // `out` (from, to, from, ...), until a line that is not plain, `limit` or a full `out`.
    // Returns the number of ids written. One loop, without next()'s call, blank skipping and
    // end checks per line.
    size_t next_plain_pairs(std::span<int64_t> out, uint64_t limit = UINT64_MAX);
    uint64_t offset() const { return static_cast<uint64_t>(p_ - input_.begin()); }
    uint64_t line() const { return line_; }  // of the next line to read
    const InputBuffer& input() const { return input_; }

private:
    [[noreturn]] void fail(const char* at, std::string_view reason);

    const InputBuffer& input_;
    const char* p_;
    uint64_t line_ = 1;
};

}  // namespace mmgraph::importer
