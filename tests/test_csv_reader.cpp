// import/: CsvReader on its own: RFC 4180 quoting, line ends, positions, errors and delimiters.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "mmgraph/import/csv.hpp"
#include "text.hpp"
#include "support/random_graph.hpp"

using mmgraph::importer::CsvReader;
using mmgraph::importer::CsvRecord;
using mmgraph::importer::InputBuffer;
using mmgraph::importer::InputError;
using mmgraph::test::TempDir;

namespace {

// The fields of every record of `text`, or the first error's message as the last "record".
std::vector<std::vector<std::string>> read_all(const TempDir& dir, const std::string& text, char delimiter = ',') {
    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << text;
    InputBuffer input(path);
    CsvReader reader(input, delimiter);
    CsvRecord record;
    std::vector<std::vector<std::string>> records;
    try {
        while (reader.next(record)) {
            std::vector<std::string> fields;
            for (const auto& f : record.fields) fields.emplace_back(f.text);
            records.push_back(fields);
        }
    } catch (const InputError& e) {
        records.push_back({std::string("error: ") + std::string(e.what()).substr(path.size())});
    }
    return records;
}

using Records = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("csv reader: quoting, doubled quotes and delimiters inside quotes", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "a,\"b,c\",\"say \"\"hi\"\"\"\n") == Records{{"a", "b,c", "say \"hi\""}});
    CHECK(read_all(dir, "x\"y,z\n") == Records{{"x\"y", "z"}});  // a quote inside an unquoted field is literal
}

TEST_CASE("csv reader: CRLF and LF line ends and blank lines", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "a,b\r\nc,d\n\r\n\ne,f") == Records{{"a", "b"}, {"c", "d"}, {"e", "f"}});
    CHECK(read_all(dir, "\"a\"\r\n\"b\"\r\n") == Records{{"a"}, {"b"}});
}

TEST_CASE("csv reader: line breaks inside quoted fields are data and still counted", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "\"one\ntwo\",\"x\r\ny\"\nz,\"w\"q\n") ==
          Records{{"one\ntwo", "x\r\ny"}, {"error: :4:6: unexpected character after the closing quote of a field (a quote inside a "
                                            "quoted field must be doubled)"}});
}

TEST_CASE("csv reader: errors name FILE:LINE:COLUMN, columns in characters", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "a,b\né,\"open\n") == Records{{"a", "b"}, {"error: :2:3: quoted field is not closed (opening quote here)"}});
    CHECK(read_all(dir, "a,b\n\"q\"x,c\n") == Records{{"a", "b"}, {"error: :2:4: unexpected character after the closing quote of a field "
                                                                   "(a quote inside a quoted field must be doubled)"}});
}

TEST_CASE("csv reader: an error carries its location and the reader goes on after the bad record", "[csv]") {
    TempDir dir;
    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << "a\n\"b\"x\nc\n";
    InputBuffer input(path);
    CsvReader reader(input, ',');
    CsvRecord record;
    REQUIRE(reader.next(record));
    try {
        reader.next(record);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.kind() == mmgraph::ErrorKind::bad_input);
        REQUIRE(e.location());
        CHECK(e.location()->path == path);
        CHECK(e.location()->line == 2);
        CHECK(e.location()->column == 4);
    }
    REQUIRE(reader.next(record));
    CHECK(record.fields.front().text == "c");
    CHECK(record.line == 3);
    CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv reader: another quote character", "[csv]") {
    TempDir dir;
    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << "'a,b','it''s',\"x\"\n";
    InputBuffer input(path);
    CsvReader reader(input, {',', '\''});
    CsvRecord record;
    REQUIRE(reader.next(record));
    REQUIRE(record.fields.size() == 3);
    CHECK(record.fields[0].text == "a,b");
    CHECK(record.fields[1].text == "it's");
    CHECK(record.fields[2].text == "\"x\"");  // a double quote is data now
}

TEST_CASE("csv reader: other delimiters", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "a\tb\t\"c\td\"\n", '\t') == Records{{"a", "b", "c\td"}});
    CHECK(read_all(dir, "a;b,c\n", ';') == Records{{"a", "b,c"}});
}

TEST_CASE("csv reader: empty fields, quoted or not", "[csv]") {
    TempDir dir;
    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << ",\"\",\n";
    InputBuffer input(path);
    CsvReader reader(input, ',');
    CsvRecord record;
    REQUIRE(reader.next(record));
    REQUIRE(record.fields.size() == 3);
    for (const auto& f : record.fields) CHECK(f.text.empty());
    CHECK_FALSE(record.fields[0].quoted);
    CHECK(record.fields[1].quoted);
    CHECK_FALSE(record.fields[2].quoted);
    CHECK(read_all(dir, "") == Records{});
}

TEST_CASE("csv reader: a lone CR ends a line, as LF and CRLF do", "[csv]") {
    TempDir dir;
    // Old Mac exports: values must never run into the next row or into the header's names.
    CHECK(read_all(dir, "id,city\rn1,Oslo\rn2,Rome\r") == Records{{"id", "city"}, {"n1", "Oslo"}, {"n2", "Rome"}});
    CHECK(read_all(dir, "a\r\rb\r\n\nc\rd") == Records{{"a"}, {"b"}, {"c"}, {"d"}});
    CHECK(read_all(dir, "\"q\"\r\"x\ry\"\rz") == Records{{"q"}, {"x\ry"}, {"z"}});  // inside quotes a CR is data
    // Lines are counted at each of the three line ends, inside quotes too.
    CHECK(read_all(dir, "a\rb\r\nc\n\"d\re\",\"f\"x\r") ==
          Records{{"a"}, {"b"}, {"c"}, {"error: :5:7: unexpected character after the closing quote of a field (a quote inside a "
                                         "quoted field must be doubled)"}});
}

TEST_CASE("csv reader: line breaks counted in bulk agree with the reader", "[csv]") {
    using mmgraph::importer::count_line_breaks;
    const std::string text = std::string(40, 'x') + "\r\n" + std::string(13, 'y') + "\r" + std::string(15, 'z') + "\r\n\n\r\r" +
                             std::string(31, 'w') + "\r";
    uint64_t expected = 0;
    for (size_t i = 0; i < text.size(); ++i)
        expected += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
    CHECK(expected == 7);
    for (size_t from = 0; from < 20; ++from) {  // every alignment of the 16-byte blocks, and a CRLF cut at a block edge
        uint64_t want = 0;
        for (size_t i = from; i < text.size(); ++i)
            want += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
        CHECK(count_line_breaks(text.data() + from, text.data() + text.size()) == want);
    }
}

TEST_CASE("csv reader: text that is not UTF-8 is refused at its byte, or replaced", "[csv]") {
    TempDir dir;
    CHECK(read_all(dir, "a,b\nc,d\xC3(\n") ==
          Records{{"a", "b"}, {"error: :2:4: invalid UTF-8: byte 0xC3 does not begin a valid sequence (text must be UTF-8; "
                               "--invalid-utf8 replace stores U+FFFD)"}});
    CHECK(read_all(dir, "\"ok\nso \xFF\"\n") ==
          Records{{"error: :2:4: invalid UTF-8: byte 0xFF does not begin a valid sequence (text must be UTF-8; --invalid-utf8 "
                   "replace stores U+FFFD)"}});
    // Overlong forms and surrogates are not UTF-8 either; real multi-byte text is.
    CHECK(read_all(dir, "\xC0\xAF\n").back().front().find("byte 0xC0") != std::string::npos);
    CHECK(read_all(dir, "\xED\xA0\x80\n").back().front().find("byte 0xED") != std::string::npos);
    CHECK(read_all(dir, "é,日本,😀\n") == Records{{"é", "日本", "😀"}});

    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << "x\xFFy,\"a\"\"\xC3\",ok\nnext\n";
    InputBuffer input(path);
    CsvReader reader(input, {',', '"', mmgraph::importer::InvalidUtf8::replace});
    CsvRecord record;
    REQUIRE(reader.next(record));
    REQUIRE(record.fields.size() == 3);
    CHECK(record.fields[0].text == "x\xEF\xBF\xBDy");
    CHECK(record.fields[1].text == "a\"\xEF\xBF\xBD");
    CHECK(record.fields[2].text == "ok");
    REQUIRE(reader.next(record));
    CHECK(record.fields[0].text == "next");
}

TEST_CASE("csv reader: long unquoted fields end and are checked at every position of a 16-byte block", "[csv]") {
    TempDir dir;
    for (size_t length = 1; length < 40; ++length) {  // (an empty line is blank, skipped)
        const std::string field(length, 'x');
        CHECK(read_all(dir, field + ",b\r\n" + field + "\n") == Records{{field, "b"}, {field}});
        for (size_t at = 0; at < length; ++at) {
            std::string bad = field;
            bad[at] = '\xFF';
            CHECK(read_all(dir, "a," + bad + ",c\n").back().front() ==
                  "error: :1:" + std::to_string(at + 3) + ": invalid UTF-8: byte 0xFF does not begin a valid sequence (text must be UTF-8; "
                                                           "--invalid-utf8 replace stores U+FFFD)");
            std::string accented = field;
            accented.replace(at, 1, "\xC3\xA9");
            CHECK(read_all(dir, accented + ",c\n") == Records{{accented, "c"}});
        }
    }
}

TEST_CASE("edge list reader: ids of every length up to the 64-bit limits", "[csv]") {
    TempDir dir;
    const std::string path = (dir / "edges.txt").string();
    std::ofstream(path, std::ios::binary) << "12345678901234567 -12345678901234567\n123456789012345678 -123456789012345678\n"
                                             "1234567890123456789 -1234567890123456789\n9223372036854775807 -9223372036854775808\n"
                                             "007 -0\n9223372036854775808 1\n";
    InputBuffer input(path);
    mmgraph::importer::EdgeListReader reader(input);
    const std::vector<std::pair<int64_t, int64_t>> want = {{12345678901234567, -12345678901234567},
                                                           {123456789012345678, -123456789012345678},
                                                           {1234567890123456789, -1234567890123456789},
                                                           {INT64_MAX, INT64_MIN},
                                                           {7, 0}};
    for (const auto& [from_want, to_want] : want) {
        int64_t from = 0, to = 0;
        REQUIRE(reader.next(from, to));
        CHECK(from == from_want);
        CHECK(to == to_want);
    }
    int64_t from = 0, to = 0;
    try {
        reader.next(from, to);
        FAIL("an id past INT64_MAX was read");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).substr(path.size()) == ":6:1: vertex id does not fit in a 64-bit signed integer");
    }
}

TEST_CASE("edge list reader: ids of 1 to 18 digits, with the 8-byte path and without", "[csv]") {
    // Each id is read both where 8 bytes remain (the line goes on) and at the very end of the
    // input; every blank and line end may follow it.
    TempDir dir;
    const std::string path = (dir / "edges.txt").string();
    std::string text, digits;
    std::vector<std::pair<int64_t, int64_t>> want;
    const char* const separators[] = {" ", "\t", "  \t "};
    const char* const line_ends[] = {"\n", "\r\n", "\r"};
    for (unsigned length = 1; length <= 18; ++length) {
        digits += static_cast<char>('0' + (length * 7) % 10);
        const int64_t value = std::stoll(digits);
        text += digits + separators[length % 3] + "-" + digits + line_ends[length % 3];
        want.emplace_back(value, -value);
        text += "0" + digits + " 9" + line_ends[(length + 1) % 3];
        want.emplace_back(value, std::stoll("9"));
    }
    text += "5 " + digits;  // the last id ends the input
    want.emplace_back(5, std::stoll(digits));
    std::ofstream(path, std::ios::binary) << text;
    InputBuffer input(path);
    mmgraph::importer::EdgeListReader reader(input);
    for (const auto& [from_want, to_want] : want) {
        int64_t from = 0, to = 0;
        REQUIRE(reader.next(from, to));
        CHECK(from == from_want);
        CHECK(to == to_want);
    }
    int64_t from = 0, to = 0;
    CHECK_FALSE(reader.next(from, to));
}

TEST_CASE("edge list reader: a byte next to the digits in ASCII ends no id", "[csv]") {
    // 0xFA and above after the digits: the 8-byte digit test's addition carries out of such a byte.
    for (const std::string bad : {"12345/78 1\n", "1234567: 1\n", "1 1234567890:\n", "1 2/", "1 2\xB0 3\n", "1 \xB9\n", "12\xFA" "3456 1\n",
                                  "1234567\xFF 1\n", "1 7\xFE" "9999999\n"}) {
        TempDir dir;
        const std::string path = (dir / "edges.txt").string();
        std::ofstream(path, std::ios::binary) << bad;
        InputBuffer input(path);
        mmgraph::importer::EdgeListReader reader(input);
        int64_t from = 0, to = 0;
        CHECK_THROWS_AS(reader.next(from, to), InputError);
    }
}

TEST_CASE("csv reader: messages escape control characters and invalid bytes", "[csv]") {
    CHECK(mmgraph::importer::quote("city\rn1") == "'city\\rn1'");
    CHECK(mmgraph::importer::quote("a\xFF" "b\tc\x01") == "'a\\xFFb\\tc\\x01'");
    CHECK(mmgraph::importer::quote("é") == "'é'");
}

// Records of every length around the 64 bytes that CsvReader reads plain short records from in
// one go (and in the last 64 bytes of the input, where it does not), mixed with quoted fields,
// CRLF ends and text outside ASCII, which it reads field by field: every record's fields, their
// positions and lines, and where the record ends, as the generator wrote them.
TEST_CASE("csv reader: short plain records read in one go give what field-by-field reading gives", "[csv]") {
    TempDir dir;
    std::mt19937_64 rng(64);
    struct Expected {
        std::vector<std::string> texts;
        std::vector<uint64_t> offsets, lines;
        uint64_t end_offset = 0, end_line = 0;
    };
    std::string text;
    std::vector<Expected> expected;
    uint64_t line = 1;
    for (int r = 0; r < 4000; ++r) {
        Expected e;
        const int fields = 1 + static_cast<int>(rng() % 6);
        const bool plain = rng() % 4 != 0;
        for (int f = 0; f < fields; ++f) {
            if (f > 0) text += ',';
            e.offsets.push_back(text.size());
            e.lines.push_back(line);
            std::string field(rng() % (r % 3 == 0 ? 30 : 14), 'x');
            for (char& c : field) c = "abcxyz019 _.-"[rng() % 13];
            if (fields == 1 && field.empty()) field = "e";  // an empty line is blank, not a record
            const unsigned kind = plain ? 0 : static_cast<unsigned>(rng() % 4);
            if (kind == 1) {  // quoted, with a doubled quote, a delimiter and a line break inside
                text += "\"" + field + "\"\",\n" + field + "\"";
                e.texts.push_back(field + "\",\n" + field);
                ++line;
                continue;
            }
            if (kind == 2) field += "\xC3\xA9";
            text += field;
            e.texts.push_back(field);
        }
        e.end_offset = text.size();
        e.end_line = line;
        text += plain || rng() % 2 ? "\n" : "\r\n";
        ++line;
        expected.push_back(e);
    }
    const std::string path = (dir / "in.csv").string();
    std::ofstream(path, std::ios::binary) << text;
    InputBuffer input(path);
    CsvReader reader(input, ',');
    CsvRecord record;
    for (const Expected& e : expected) {
        INFO("record at offset " << e.offsets.front());
        REQUIRE(reader.next(record));
        REQUIRE(record.fields.size() == e.texts.size());
        for (size_t f = 0; f < e.texts.size(); ++f) {
            CHECK(record.fields[f].text == e.texts[f]);
            CHECK(record.fields[f].offset == e.offsets[f]);
            CHECK(record.fields[f].line == e.lines[f]);
        }
        CHECK(record.line == e.lines.front());
        CHECK(record.end_offset == e.end_offset);
        CHECK(record.end_line == e.end_line);
    }
    CHECK_FALSE(reader.next(record));
}
