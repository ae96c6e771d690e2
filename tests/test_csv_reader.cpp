// import/: CsvReader on its own: RFC 4180 quoting, line ends, positions, errors and delimiters.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "mmgraph/import/csv.hpp"
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
