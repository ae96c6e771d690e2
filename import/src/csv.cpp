#include "mmgraph/import/csv.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mmgraph/format/utf8.hpp"

namespace mmgraph::importer {

namespace {

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

// Past the line end at `p` (LF, CRLF or a lone CR; `p` is at one, or at `end`).
const char* after_line_end(const char* p, const char* end) {
    if (p == end) return p;
    if (*p == '\r' && p + 1 < end && p[1] == '\n') return p + 2;
    return p + 1;
}

// The first line end at or after `p`, or `end`.
const char* find_line_end(const char* p, const char* end) {
    while (p < end && !is_line_end(*p)) ++p;
    return p;
}

// The end of an unquoted field: the first delimiter or line end at or after `p`, or `end`.
// Sets `non_ascii` when a byte before it has its high bit set, so that a record of ASCII bytes
// (nearly all of them) skips the UTF-8 check. Sixteen bytes at a time: fields are short, and a
// byte loop with three compares per byte was the tokenizer's main cost.
const char* find_field_end(const char* p, const char* end, char delim, bool& non_ascii) {
#if defined(__SSE2__)
    const __m128i delims = _mm_set1_epi8(delim), lfs = _mm_set1_epi8('\n'), crs = _mm_set1_epi8('\r');
    while (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i stops = _mm_or_si128(_mm_cmpeq_epi8(block, delims), _mm_or_si128(_mm_cmpeq_epi8(block, lfs), _mm_cmpeq_epi8(block, crs)));
        const unsigned stop_mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
        const unsigned high_mask = static_cast<unsigned>(_mm_movemask_epi8(block));
        if (stop_mask) {
            const unsigned at = static_cast<unsigned>(__builtin_ctz(stop_mask));
            if (high_mask & ((1u << at) - 1)) non_ascii = true;
            return p + at;
        }
        if (high_mask) non_ascii = true;
        p += 16;
    }
#endif
    unsigned char high = 0;
    for (; p < end && *p != delim && !is_line_end(*p); ++p) high |= static_cast<unsigned char>(*p);
    if (high & 0x80) non_ascii = true;
    return p;
}

// The value of the 1 to 7 decimal digits that start `eight` (bytes in memory order, read
// little-endian), and how many there are, or 0 when the first byte is not a digit or all eight
// are. Eight bytes at a time: a byte loop was most of an edge list line's cost.
inline unsigned swar_digits(uint64_t eight, uint64_t& value) {
    constexpr uint64_t kOnes = 0x0101010101010101u;
    // A byte is a digit when its high nibble is 3 and adding 6 keeps it so. The addition can
    // carry into the byte after one of 0xFA and above, which is past the first non-digit.
    const uint64_t not_digit = ((eight & (0xF0 * kOnes)) ^ (0x30 * kOnes)) | (((eight + 6 * kOnes) & (0xF0 * kOnes)) ^ (0x30 * kOnes));
    const unsigned count = not_digit == 0 ? 8 : static_cast<unsigned>(std::countr_zero(not_digit)) / 8;
    if (count == 0 || count == 8) return 0;
    // The digits moved to the top bytes (zeros before them), then combined in pairs, fours, eights.
    uint64_t v = (eight - 0x30 * kOnes) << (8 * (8 - count));
    v = ((v & (0x0F * kOnes)) * (256 * 10 + 1)) >> 8;
    v = ((v & 0x00FF00FF00FF00FFu) * (65536 * 100 + 1)) >> 16;
    v = ((v & 0x0000FFFF0000FFFFu) * (10000 * (uint64_t{1} << 32) + 1)) >> 32;
    value = v;
    return count;
}

// std::from_chars for an edge list id: ids of up to 7 digits eight bytes at a time, longer ones
// of fewer than 18 digits (which cannot overflow) by a loop of its own, nearly all of them: the
// library call cost a fifth of the line.
std::from_chars_result parse_id(const char* p, const char* end, int64_t& id) {
    const bool negative = p < end && *p == '-';
    const char* const digits = p + negative;
    if (std::endian::native == std::endian::little && end - digits >= 8) {
        uint64_t eight, value;
        std::memcpy(&eight, digits, sizeof eight);
        if (const unsigned count = swar_digits(eight, value)) {
            id = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
            return {digits + count, std::errc()};
        }
    }
    const char* q = digits;
    uint64_t value = 0;
    while (q < end && q - digits < 18 && static_cast<unsigned char>(*q - '0') < 10) value = value * 10 + static_cast<unsigned>(*q++ - '0');
    if (q == digits || (q < end && static_cast<unsigned char>(*q - '0') < 10)) return std::from_chars(p, end, id);
    id = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
    return {q, std::errc()};
}

}  // namespace

CsvReader::CsvReader(const InputBuffer& input, CsvDialect dialect) : input_(input), p_(input.begin()), dialect_(dialect) {
    // A UTF-8 byte order mark (spreadsheet exports) is not part of the first header name.
    if (input.size() >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;
}

CsvReader::CsvReader(const InputBuffer& input, CsvDialect dialect, uint64_t offset, uint64_t line)
    : input_(input), p_(input.begin() + std::min(offset, input.size())), line_(line), dialect_(dialect) {}

void CsvReader::skip_line() {
    const char* end = input_.end();
    const char* at = find_line_end(p_, end);
    p_ = after_line_end(at, end);
    if (at < end) ++line_;
}

// Refuses the record's first invalid byte, or replaces every invalid sequence of each field
// by U+FFFD in the record's scratch copy (where doubled quotes are undone too).
void CsvReader::check_utf8(CsvRecord& record) {
    const char* const begin = input_.begin();
    const uint64_t first = record.fields.front().offset;
    const std::string_view raw(begin + first, static_cast<size_t>(record.end_offset - first));
    const size_t bad = format::first_invalid_utf8(raw);
    if (bad == raw.size()) return;
    if (dialect_.invalid_utf8 == InvalidUtf8::refuse)
        input_.fail(first + bad, record.line + count_line_breaks(raw.data(), raw.data() + bad),
                    "invalid UTF-8: byte " + format::hex_byte(raw[bad]) +
                        " does not begin a valid sequence (text must be UTF-8; --invalid-utf8 replace stores U+FFFD)");
    for (CsvField& f : record.fields) {
        const std::string_view text = f.escaped ? std::string_view(record.scratch).substr(f.scratch_begin, f.text.size()) : f.text;
        if (format::is_valid_utf8(text)) continue;
        const std::string replaced = [&] {
            std::string out;
            format::append_replacing_invalid_utf8(out, text);
            return out;
        }();
        f.escaped = true;
        f.scratch_begin = record.scratch.size();
        record.scratch += replaced;
        f.text = {nullptr, replaced.size()};
    }
}

// The common record, read from one mask of its bytes: its line, LF included, lies within the 64
// bytes at p_ and holds no quote, CR or byte outside ASCII, so its fields end at the delimiters
// before the LF and need no other check. Nearly every line of a machine-written file is such a
// record; finding each field's end with a scan of its own took 27 ns a record of an R-MAT
// edges.csv, this 17. Returns false, having changed nothing, for any other record (and without
// SSE2).
bool CsvReader::next_short_plain(CsvRecord& record) {
#if defined(__SSE2__)
    const char* const begin = input_.begin();
    const char* const p = p_;
    if (input_.end() - p < 64 || static_cast<unsigned char>(dialect_.delimiter | dialect_.quote) & 0x80) return false;
    const __m128i delims = _mm_set1_epi8(dialect_.delimiter), quotes = _mm_set1_epi8(dialect_.quote), lfs = _mm_set1_epi8('\n'),
                  crs = _mm_set1_epi8('\r');
    uint64_t delim_mask = 0, lf_mask = 0, refused_mask = 0;
    for (unsigned k = 0; k < 4 && lf_mask == 0; ++k) {  // most lines end in the second block
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        const auto bits = [&](__m128i match) { return uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(match))} << (16 * k); };
        delim_mask |= bits(_mm_cmpeq_epi8(block, delims));
        lf_mask |= bits(_mm_cmpeq_epi8(block, lfs));
        refused_mask |= bits(_mm_or_si128(block, _mm_or_si128(_mm_cmpeq_epi8(block, quotes), _mm_cmpeq_epi8(block, crs))));
    }
    if (lf_mask == 0) return false;
    const unsigned line_end = static_cast<unsigned>(std::countr_zero(lf_mask));
    const uint64_t before_end = (uint64_t{1} << line_end) - 1;
    if (refused_mask & before_end) return false;
    record.fields.clear();
    record.scratch.clear();
    record.line = line_;
    unsigned start = 0;
    for (uint64_t cuts = (delim_mask & before_end) | (uint64_t{1} << line_end); cuts != 0; cuts &= cuts - 1) {
        const unsigned stop = static_cast<unsigned>(std::countr_zero(cuts));
        CsvField& field = record.fields.emplace_back();
        field.text = {p + start, stop - start};
        field.offset = static_cast<uint64_t>(p + start - begin);
        field.line = line_;
        start = stop + 1;
    }
    record.end_offset = static_cast<uint64_t>(p + line_end - begin);
    record.end_line = line_++;
    p_ = p + line_end + 1;
    return true;
#else
    (void)record;
    return false;
#endif
}

bool CsvReader::next(CsvRecord& record, uint64_t limit) {
    const char* const begin = input_.begin();
    const char* const end = input_.end();
    const char* const last_start = begin + std::min(limit, input_.size());  // records start before it
    const char delim = dialect_.delimiter, quote = dialect_.quote;
    const char* p = p_;
    while (p < last_start && is_line_end(*p)) {  // blank lines
        p = after_line_end(p, end);
        ++line_;
    }
    p_ = p;
    if (p >= last_start) return false;
    if (next_short_plain(record)) return true;

    record.fields.clear();
    record.scratch.clear();
    record.line = line_;
    bool any_escaped = false;
    // Whether the record may hold invalid UTF-8: a byte with its high bit set in an unquoted
    // field; quoted fields, and a delimiter or quote outside ASCII, send every record to the check.
    bool non_ascii = static_cast<unsigned char>(delim | quote) & 0x80;
    for (;;) {
        CsvField& field = record.fields.emplace_back();
        field.offset = static_cast<uint64_t>(p - begin);
        field.line = line_;
        if (p < end && *p == quote) {
            field.quoted = non_ascii = true;
            const char* segment = ++p;
            for (;;) {
                auto q = static_cast<const char*>(std::memchr(p, quote, static_cast<size_t>(end - p)));
                if (!q) {
                    p_ = end;  // the rest of the input is inside the quotes: nothing to resume at
                    input_.fail(field.offset, field.line, "quoted field is not closed (opening quote here)");
                }
                line_ += count_line_breaks(p, q);
                if (q + 1 < end && q[1] == quote) {  // a doubled quote stands for one
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
            if (p < end && !is_line_end(*p)) {
                uint64_t at = static_cast<uint64_t>(p - begin), line = line_;
                p_ = p;
                skip_line();
                input_.fail(at, line, "unexpected character after the closing quote of a field (a quote inside a quoted field must be doubled)");
            }
            record.end_offset = static_cast<uint64_t>(p - begin);
            record.end_line = line_;
            if (p < end) ++line_;
            p = after_line_end(p, end);
            break;
        }
        const char* q = find_field_end(p, end, delim, non_ascii);
        if (q < end && *q == delim) {
            field.text = {p, static_cast<size_t>(q - p)};
            p = q + 1;
            continue;
        }
        field.text = {p, static_cast<size_t>(q - p)};
        record.end_offset = static_cast<uint64_t>(q - begin);
        record.end_line = line_;
        if (q < end) ++line_;
        p = after_line_end(q, end);
        break;
    }
    p_ = p;  // past the record, also when its text is refused
    if (non_ascii) check_utf8(record);
    if (record.scratch.size() > 0) any_escaped = true;
    // Views into the scratch copy are made last: appending may have moved it.
    if (any_escaped)
        for (CsvField& f : record.fields)
            if (f.escaped) f.text = {record.scratch.data() + f.scratch_begin, f.text.size()};
    return true;
}

void EdgeListReader::fail(const char* at, std::string_view reason) {
    uint64_t line = line_;
    const char* line_end = find_line_end(at, input_.end());
    p_ = after_line_end(line_end, input_.end());
    if (line_end < input_.end()) ++line_;
    input_.fail(static_cast<uint64_t>(at - input_.begin()), line, reason);
}

size_t EdgeListReader::next_plain_pairs(std::span<int64_t> out, uint64_t limit) {
    const char* const last_start = input_.begin() + std::min(limit, input_.size());
    const char* const end = input_.end();
    const char* p = p_;
    uint64_t line = line_;
    size_t count = 0;
    // 16 bytes left hold any plain line and both of its eight-byte reads.
    while (count + 2 <= out.size() && p < last_start && end - p >= 16) {
        uint64_t eight, from, to;
        std::memcpy(&eight, p, sizeof eight);
        const unsigned from_digits = swar_digits(eight, from);
        if (from_digits == 0 || (p[from_digits] != ' ' && p[from_digits] != '\t')) break;
        const char* q = p + from_digits + 1;
        std::memcpy(&eight, q, sizeof eight);
        const unsigned to_digits = swar_digits(eight, to);
        if (to_digits == 0 || q[to_digits] != '\n') break;
        out[count++] = static_cast<int64_t>(from);
        out[count++] = static_cast<int64_t>(to);
        p = q + to_digits + 1;
        ++line;
    }
    p_ = p;
    line_ = line;
    return count;
}

bool EdgeListReader::next(int64_t& from, int64_t& to, uint64_t limit) {
    const char* const end = input_.end();
    const char* const last_start = input_.begin() + std::min(limit, input_.size());  // lines start before it
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    auto line_end = [&](const char* p) { return p == end || is_line_end(*p); };
    for (;;) {
        if (p_ >= last_start) return false;
        const char* p = p_;
        while (p < end && blank(*p)) ++p;
        if (p == end) {
            p_ = end;
            return false;
        }
        if (*p == '#' || line_end(p)) {  // comment or blank line
            const char* at = find_line_end(p, end);
            p_ = after_line_end(at, end);
            if (at < end) ++line_;
            continue;
        }
        int64_t ids[2];
        for (int64_t& id : ids) {
            if (&id == &ids[1]) {
                while (p < end && blank(*p)) ++p;
                if (line_end(p)) fail(p, "expected two vertex ids, found one");
            }
            auto [next, ec] = parse_id(p, end, id);
            if (ec == std::errc::result_out_of_range) fail(p, "vertex id does not fit in a 64-bit signed integer");
            if (ec != std::errc() || !(line_end(next) || blank(*next))) fail(p, "expected an integer vertex id");
            p = next;
        }
        while (p < end && blank(*p)) ++p;
        if (!line_end(p)) fail(p, "more than two fields (an edge list line is: FROM TO)");
        if (p < end) ++line_;
        p_ = after_line_end(p, end);
        from = ids[0];
        to = ids[1];
        return true;
    }
}

}  // namespace mmgraph::importer
