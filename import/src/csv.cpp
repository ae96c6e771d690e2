#include "mmgraph/import/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mmgraph::importer {

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
