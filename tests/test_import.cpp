// The CSV importer parses rows on several threads, a chunk at a time, with chunks cut at line
// breaks that may lie inside quoted fields. Whatever the chunk size and thread count, a build
// must give the bytes, and a failed build the message, of one thread reading from start to end.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "mmgraph/import.hpp"
#include "mmgraph/error.hpp"
#include "mmgraph/import/csv.hpp"
#include "mmgraph/reader.hpp"
#include "parallel_rows.hpp"  // import/src: the chunking itself, with a parse that lets errors out
#include "values.hpp"         // import/src: parse_number
#include "support/random_graph.hpp"

using mmgraph::test::TempDir;

namespace {

struct Inputs {
    std::string nodes, edges;
    size_t nodes_middle = 0, edges_middle = 0;  // where a row starts, about halfway
};

// A quoted CSV field, with the quotes inside doubled.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Text that needs quoting now and then: commas, quotes, LF and CRLF line breaks.
std::string awkward_text(std::mt19937_64& rng) {
    static const char* const kPieces[] = {"a", "bc", ",", "\"", "\n", "\r\n", " ", "x;y", "é", "line\nbreak"};
    std::string text;
    for (int n = static_cast<int>(rng() % 5); n > 0; --n) text += kPieces[rng() % std::size(kPieces)];
    return text;
}

std::string line_end(std::mt19937_64& rng) { return rng() % 4 == 0 ? "\r\n" : "\n"; }

// A graph as neo4j-style CSV: quoted multi-line strings, lists, blank lines, CRLF. With `bad`,
// some rows are wrong in the ways a row can be (too few fields, a bad number, an unknown
// endpoint, a stray character after a closing quote).
Inputs random_inputs(uint64_t seed, bool bad) {
    std::mt19937_64 rng(seed);
    const int vertices = 40 + static_cast<int>(rng() % 40);
    std::ostringstream nodes, edges;
    nodes << "id:ID,:LABEL,name,score:double,tags:string[],years:int[]\n";
    size_t nodes_middle = 0, edges_middle = 0;
    for (int v = 0; v < vertices; ++v) {
        if (v == vertices / 2) nodes_middle = nodes.str().size();
        if (rng() % 10 == 0) nodes << line_end(rng);  // a blank line
        nodes << "v" << v << "," << (rng() % 3 == 0 ? "City" : "Person") << ",";
        nodes << (rng() % 2 ? quoted(awkward_text(rng)) : std::string("plain")) << ",";
        if (bad && rng() % 25 == 0) nodes << "1.2.3";
        else if (rng() % 5) nodes << (rng() % 1000) / 10.0;
        nodes << "," << (rng() % 2 ? quoted("t1;t\"2\n;" + awkward_text(rng)) : std::string("solo")) << ",";
        for (int n = static_cast<int>(rng() % 3); n > 0; --n) nodes << 1990 + static_cast<int>(rng() % 30) << (n > 1 ? ";" : "");
        nodes << line_end(rng);
    }
    edges << ":START_ID,:END_ID,:TYPE,weight:float,note\n";
    for (int e = 0, count = 3 * vertices; e < count; ++e) {
        if (e == count / 2) edges_middle = edges.str().size();
        if (rng() % 12 == 0) edges << "\n";
        const int from = static_cast<int>(rng() % vertices), to = static_cast<int>(rng() % vertices);
        edges << "v" << from << ",";
        if (bad && rng() % 40 == 0) edges << "nobody";
        else edges << "v" << to;
        edges << "," << (rng() % 4 == 0 ? "LIVES_IN" : "KNOWS") << "," << (rng() % 100) / 8.0;
        if (bad && rng() % 50 == 0) {  // one field short
            edges << line_end(rng);
            continue;
        }
        edges << "," << quoted(awkward_text(rng));
        if (bad && rng() % 60 == 0) edges << "x";  // after the closing quote
        edges << line_end(rng);
    }
    return {nodes.str(), edges.str(), nodes_middle, edges_middle};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// The output bytes, or "error: <message>".
std::string build_with(mmgraph::importer::BuildOptions options, unsigned threads, uint64_t chunk_bytes, bool skip_bad_rows) {
    options.threads = threads;
    options.chunk_bytes = chunk_bytes;
    options.skip_bad_rows = skip_bad_rows;
    std::filesystem::remove(options.output);
    try {
        mmgraph::importer::run_build(options);
    } catch (const mmgraph::Error& e) {
        return std::string("error: ") + e.what();
    }
    auto bytes = mmgraph::test::read_bytes(options.output);
    return std::string(bytes.begin(), bytes.end());
}

// nodes.csv and edges.csv of `dir`.
std::string build(const TempDir& dir, unsigned threads, uint64_t chunk_bytes, bool skip_bad_rows) {
    mmgraph::importer::BuildOptions options;
    options.nodes = {(dir / "nodes.csv").string()};
    options.relationships = {(dir / "edges.csv").string()};
    options.output = (dir / "out.mmg").string();
    return build_with(options, threads, chunk_bytes, skip_bad_rows);
}

}  // namespace

TEST_CASE("import: any chunk size and thread count gives the bytes of one sequential read", "[import]") {
    TempDir dir;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
        const Inputs inputs = random_inputs(seed, false);
        write_text(dir / "nodes.csv", inputs.nodes);
        write_text(dir / "edges.csv", inputs.edges);
        const std::string sequential = build(dir, 1, uint64_t(1) << 40, false);
        INFO("seed " << seed);
        REQUIRE(sequential.rfind("error:", 0) == std::string::npos);
        for (auto [threads, chunk] : {std::pair{2u, 1ull}, {2u, 7ull}, {3u, 13ull}, {1u, 5ull}, {2u, 64ull}, {4u, 700ull}}) {
            INFO(threads << " threads, chunks of " << chunk << " bytes");
            CHECK(build(dir, threads, chunk, false) == sequential);
        }
    }
}

TEST_CASE("import: bad rows are reported, or skipped, as one sequential read does", "[import]") {
    TempDir dir;
    int failing = 0;
    for (uint64_t seed = 100; seed < 112; ++seed) {
        const Inputs inputs = random_inputs(seed, true);
        write_text(dir / "nodes.csv", inputs.nodes);
        write_text(dir / "edges.csv", inputs.edges);
        for (bool skip : {false, true}) {
            const std::string sequential = build(dir, 1, uint64_t(1) << 40, skip);
            if (!skip && sequential.rfind("error:", 0) == 0) ++failing;
            INFO("seed " << seed << (skip ? ", skipping bad rows: " : ": ") << sequential.substr(0, 200));
            for (auto [threads, chunk] : {std::pair{2u, 1ull}, {2u, 11ull}, {3u, 64ull}, {2u, 4096ull}}) {
                INFO(threads << " threads, chunks of " << chunk << " bytes");
                CHECK(build(dir, threads, chunk, skip) == sequential);
            }
        }
    }
    CHECK(failing >= 10);  // the generator does make bad rows
}

TEST_CASE("import: a quoted field that runs to the end of the input is one error at its opening quote", "[import]") {
    TempDir dir;
    write_text(dir / "nodes.csv", "id:ID,name\na,x\nb,\"never\nclosed\nc,z\nd,w\n");
    write_text(dir / "edges.csv", ":START_ID,:END_ID\na,a\n");
    const std::string sequential = build(dir, 1, uint64_t(1) << 40, false);
    CHECK(sequential.find("nodes.csv:3:3: quoted field is not closed") != std::string::npos);
    for (uint64_t chunk : {1, 2, 9, 17}) CHECK(build(dir, 2, chunk, false) == sequential);
    // Skipping it leaves a and nothing after the quote.
    const std::string skipped = build(dir, 1, uint64_t(1) << 40, true);
    REQUIRE(skipped.rfind("error:", 0) == std::string::npos);
    for (uint64_t chunk : {1, 2, 9, 17}) CHECK(build(dir, 2, chunk, true) == skipped);
}

// The driver's parses keep their rows' errors, so only a parse that throws shows this: the
// speculative parse of a chunk cut inside a quoted field may fail, and that failure is not the
// input's when the chunk before read on past the cut.
TEST_CASE("import: a chunk cut inside a quoted field throws only what the right parse throws", "[import]") {
    using Records = std::vector<std::string>;
    TempDir dir;
    // Each record as "LINE:field|field|", all of them, or "error: <message>" after those read.
    auto read = [&](const std::string& text, unsigned workers, uint64_t chunk) {
        write_text(dir / "rows.csv", text);
        const mmgraph::importer::InputBuffer input((dir / "rows.csv").string());
        auto parse = [&](const mmgraph::importer::ChunkBounds& bounds, Records& records) {
            records.clear();
            mmgraph::importer::CsvReader reader(input, ',', bounds.begin, bounds.first_line);
            mmgraph::importer::CsvRecord record;
            while (reader.next(record, bounds.end)) {  // errors go out
                std::string line = std::to_string(record.line) + ":";
                for (const auto& field : record.fields) line += std::string(field.text) + "|";
                records.push_back(line);
            }
            return reader.offset();
        };
        mmgraph::importer::ParallelRows<Records> rows(input, 0, 1, workers, chunk, parse);
        Records all;
        try {
            while (const Records* records = rows.next()) all.insert(all.end(), records->begin(), records->end());
            CHECK(rows.offset() == input.size());
        } catch (const mmgraph::Error& e) {
            all.push_back(std::string("error: ") + e.what());
        }
        return all;
    };
    // Cut after "a,\"1\n", a chunk starts at 2,"\n: a quote that never closes.
    const std::string good = "a,\"1\n2,\"\nb,c\n";
    // The same, then a quote that does run to the end.
    const std::string bad = good + "d,\"e\nf\n";
    const std::string error = "error: " + (dir / "rows.csv").string() + ":4:3: quoted field is not closed (opening quote here)";
    for (unsigned workers : {0u, 1u, 2u}) {
        for (uint64_t chunk = 1; chunk <= bad.size() + 1; ++chunk) {
            INFO(workers << " workers, chunks of " << chunk << " bytes");
            CHECK(read(good, workers, chunk) == Records{"1:a|1\n2,|", "3:b|c|"});
            CHECK(read(bad, workers, chunk).back() == error);  // a chunk's rows go with its error
        }
    }
}

TEST_CASE("import: labels are registered in order of first appearance, and the label limit is met at the same row", "[import]") {
    TempDir dir;
    std::ostringstream nodes;
    nodes << "id:ID,:LABEL\n";
    for (int v = 0; v < 70000; ++v) nodes << v << ",L" << (v < 65540 ? v : v % 7) << "\n";
    write_text(dir / "nodes.csv", nodes.str());
    write_text(dir / "edges.csv", ":START_ID,:END_ID\n1,2\n");
    for (bool skip : {false, true}) {
        // Skipped, the rows that name a label past the limit are bad rows like any other.
        const std::string at_limit = build(dir, 1, uint64_t(1) << 40, skip);
        CHECK((at_limit.rfind("error: ", 0) == 0) == !skip);
        if (!skip) CHECK(at_limit.find("nodes.csv:65537:7: more than 65535 labels") != std::string::npos);
        for (uint64_t chunk : {64, 4096, 100000}) CHECK(build(dir, 2, chunk, skip) == at_limit);
    }
    // Under the limit, label ids follow first appearance whatever the chunks.
    std::ostringstream few;
    few << "id:ID,:LABEL\n";
    for (int v = 0; v < 5000; ++v) few << v << ",L" << (v * 7919 % 97) << "\n";
    write_text(dir / "nodes.csv", few.str());
    const std::string sequential = build(dir, 1, uint64_t(1) << 40, false);
    REQUIRE(sequential.rfind("error: ", 0) == std::string::npos);
    for (uint64_t chunk : {1, 64, 4096}) CHECK(build(dir, 2, chunk, false) == sequential);
}

TEST_CASE("import: inputs from pipes are parsed in chunks like files", "[import]") {
    TempDir dir;
    const Inputs inputs = random_inputs(7, false);
    write_text(dir / "nodes.csv", inputs.nodes);
    write_text(dir / "edges.csv", inputs.edges);
    const std::string from_files = build(dir, 1, uint64_t(1) << 40, false);
    REQUIRE(from_files.rfind("error: ", 0) == std::string::npos);

    // The same text through FIFOs, which the importer reads whole (it cannot map or reread them).
    TempDir pipes;
    for (const char* name : {"nodes.csv", "edges.csv"}) REQUIRE(::mkfifo((pipes / name).c_str(), 0600) == 0);
    std::thread feed_nodes([&] { write_text(pipes / "nodes.csv", inputs.nodes); });
    std::thread feed_edges([&] { write_text(pipes / "edges.csv", inputs.edges); });
    const std::string from_pipes = build(pipes, 2, 9, false);
    feed_nodes.join();
    feed_edges.join();
    CHECK(from_pipes == from_files);
}

TEST_CASE("import: edge lists in chunks give the bytes and the errors of one sequential read", "[import]") {
    TempDir dir;
    for (uint64_t seed = 200; seed < 206; ++seed) {
        std::mt19937_64 rng(seed);
        std::ostringstream text;
        text << "# a SNAP header\n";
        for (int i = 0; i < 3000; ++i) {
            if (rng() % 50 == 0) text << (rng() % 2 ? "# comment\n" : "\n");
            if (seed % 2 && rng() % 400 == 0) text << "12 x\n";  // a bad line
            text << rng() % 500 << (rng() % 2 ? " " : "\t") << rng() % 500 << line_end(rng);
        }
        write_text(dir / "edges.txt", text.str());
        mmgraph::importer::BuildOptions options;
        options.edgelists = {(dir / "edges.txt").string()};
        options.output = (dir / "out.mmg").string();
        auto build_list = [&](unsigned threads, uint64_t chunk, bool skip) { return build_with(options, threads, chunk, skip); };
        for (bool skip : {false, true}) {
            const std::string sequential = build_list(1, uint64_t(1) << 40, skip);
            INFO("seed " << seed << (skip ? ", skipping bad lines: " : ": ") << sequential.substr(0, 120));
            CHECK((sequential.rfind("error: ", 0) == 0) == (seed % 2 == 1 && !skip));
            for (auto [threads, chunk] : {std::pair{2u, 1ull}, {3u, 17ull}, {2u, 1000ull}}) CHECK(build_list(threads, chunk, skip) == sequential);
        }
    }
}

TEST_CASE("import: one file of a kind, read once, gives the schema that reading names first gives", "[import]") {
    // The only node file and the only relationship file skip pass 1 and register names as rows
    // arrive; split in two files each, they take pass 1. Same rows, same order: same bytes.
    TempDir one, two;
    for (uint64_t seed = 300; seed < 306; ++seed) {
        const Inputs inputs = random_inputs(seed, false);
        write_text(one / "nodes.csv", inputs.nodes);
        write_text(one / "edges.csv", inputs.edges);
        auto header_end = [](const std::string& text) { return text.find('\n') + 1; };
        write_text(two / "nodes-1.csv", inputs.nodes.substr(0, inputs.nodes_middle));
        write_text(two / "nodes-2.csv", inputs.nodes.substr(0, header_end(inputs.nodes)) + inputs.nodes.substr(inputs.nodes_middle));
        write_text(two / "edges-1.csv", inputs.edges.substr(0, inputs.edges_middle));
        write_text(two / "edges-2.csv", inputs.edges.substr(0, header_end(inputs.edges)) + inputs.edges.substr(inputs.edges_middle));
        mmgraph::importer::BuildOptions split;
        split.nodes = {(two / "nodes-1.csv").string(), (two / "nodes-2.csv").string()};
        split.relationships = {(two / "edges-1.csv").string(), (two / "edges-2.csv").string()};
        split.output = (two / "out.mmg").string();
        INFO("seed " << seed);
        const std::string whole = build(one, 2, 4096, false);
        REQUIRE(whole.rfind("error: ", 0) == std::string::npos);
        CHECK(build_with(split, 2, 4096, false) == whole);
        CHECK(build_with(split, 1, uint64_t(1) << 40, false) == whole);
    }
}

namespace {

// Keeps what the importer reports.
struct Recorder final : mmgraph::importer::BuildObserver {
    std::vector<mmgraph::importer::BuildProgress> passes;  // the last report of each pass
    std::vector<std::string> files;                       // of each pass, in order
    std::vector<std::string> skipped;
    std::vector<uint64_t> skipped_counts;
    std::string written;
    uint64_t vertices = 0, edges = 0;

    void progress(const mmgraph::importer::BuildProgress& p) override {
        if (passes.empty() || passes.back().pass != p.pass) {
            passes.push_back(p);
            files.emplace_back(p.file);
        }
        passes.back() = p;
    }
    void row_skipped(const mmgraph::Error& error, uint64_t count) override {
        skipped.emplace_back(error.what());
        skipped_counts.push_back(count);
    }
    void writing(const std::string& output, uint64_t v, uint64_t e) override {
        written = output;
        vertices = v;
        edges = e;
    }
};

}  // namespace

TEST_CASE("import: progress and skipped rows reach the observer and the summary is returned", "[import]") {
    TempDir dir;
    std::string nodes = "id:ID,:LABEL,v:int\n", edges = ":START_ID,:END_ID\n";
    constexpr int kVertices = 40000;  // past the 16K rows between progress reports
    for (int i = 0; i < kVertices; ++i) nodes += std::to_string(i) + ",L," + std::to_string(i) + "\n";
    nodes += "bad,L,x\n";
    for (int i = 1; i < kVertices; ++i) edges += std::to_string(i - 1) + "," + std::to_string(i) + "\n";
    edges += "0,missing\n";
    write_text(dir / "nodes.csv", nodes);
    write_text(dir / "edges.csv", edges);
    mmgraph::importer::BuildOptions options;
    options.nodes = {(dir / "nodes.csv").string()};
    options.relationships = {(dir / "edges.csv").string()};
    options.output = (dir / "out.mmg").string();
    options.skip_bad_rows = true;
    options.threads = 2;
    options.chunk_bytes = 4096;

    Recorder recorder;
    const mmgraph::importer::BuildReport report = mmgraph::importer::run_build(options, &recorder);
    CHECK(report.stats.vertices == kVertices);
    CHECK(report.stats.edges == kVertices - 1);
    CHECK(report.bad_rows == 2);
    CHECK(report.total_seconds >= report.read_seconds);
    CHECK(recorder.written == options.output);
    CHECK(recorder.vertices == kVertices);
    CHECK(recorder.edges == kVertices - 1);
    REQUIRE(recorder.skipped.size() == 2);
    CHECK(recorder.skipped[0] == (dir / "nodes.csv").string() + ":40002:7: 'x' is not a valid int (column 'v', int)");
    CHECK(recorder.skipped[1] == (dir / "edges.csv").string() + ":40001:3: unknown :END_ID 'missing' (no vertex has this id)");
    CHECK(recorder.skipped_counts == std::vector<uint64_t>{1, 2});
    // Pass 1 is skipped (one file of each kind): a load pass and a link pass.
    REQUIRE(recorder.passes.size() == 2);
    CHECK(std::string(recorder.passes[0].phase) == "load");
    CHECK(recorder.files[0] == options.nodes[0]);
    CHECK(recorder.passes[0].rows >= 0x4000);
    CHECK(recorder.passes[0].offset <= recorder.passes[0].size);
    CHECK(recorder.passes[0].size == nodes.size());
    CHECK(std::string(recorder.passes[1].phase) == "link");
    CHECK(recorder.files[1] == options.relationships[0]);
    CHECK(recorder.passes[1].pass > recorder.passes[0].pass);
}

TEST_CASE("import: a named :ID column is also an attribute, typed as the key, an unnamed one is not", "[import]") {
    TempDir dir;
    // A file group (header file, then a part) and a file of its own; "Person;Employee" rows give
    // the key attribute to both labels, as every property column.
    write_text(dir / "head.csv", "personId:ID,:LABEL,name\n");
    write_text(dir / "part.csv", "7,Person,Ann\n8,Person;Employee,Bo\n");
    write_text(dir / "things.csv", ":ID,:LABEL,name\n9,Thing,box\n");
    mmgraph::importer::BuildOptions options;
    options.node_groups = {{{(dir / "head.csv").string(), (dir / "part.csv").string()}, {}, {}}};
    options.nodes = {(dir / "things.csv").string()};
    options.output = (dir / "g.mmg").string();
    for (auto key_type : {mmgraph::KeyType::string, mmgraph::KeyType::int64}) {
        options.id_type = key_type;
        mmgraph::importer::run_build(options);
        auto file = mmgraph::File::open(dir / "g.mmg");
        const bool integers = key_type == mmgraph::KeyType::int64;
        for (int n : {7, 8}) {
            const std::string text = std::to_string(n);  // a string Key views it: it must outlive find
            const auto v = integers ? file->find(int64_t{n}) : file->find(std::string_view(text));
            REQUIRE(v);
            const mmgraph::ValueRef id = v->get("personId");
            if (integers) CHECK(id.as_int() == n);
            else CHECK(id.as_string() == std::to_string(n));
        }
        for (const auto& label : file->labels()) {
            std::vector<std::string_view> names;
            for (const auto& a : label.attributes) names.push_back(a.name);
            if (label.name == "Thing") CHECK(names == std::vector<std::string_view>{"name"});
            else {
                CHECK(names == std::vector<std::string_view>{"personId", "name"});
                CHECK(label.attributes[0].type == mmgraph::Type(integers ? mmgraph::TypeCode::int64 : mmgraph::TypeCode::string));
            }
        }
    }
}

TEST_CASE("import: option labels on a file group give the bytes of the same labels written in :LABEL", "[import]") {
    // --nodes=A:B=head.csv,part.csv: the option's labels, then each row's own, each once.
    TempDir dir;
    write_text(dir / "head.csv", "id:ID,:LABEL,n:int\n");
    write_text(dir / "part.csv", "a,X,1\nb,,2\nc,B;X,3\nd,X;Y,4\ne,A,5\n");
    write_text(dir / "spelled.csv", "id:ID,:LABEL,n:int\na,A;B;X,1\nb,A;B,2\nc,A;B;X,3\nd,A;B;X;Y,4\ne,A;B,5\n");
    mmgraph::importer::BuildOptions grouped, spelled;
    grouped.node_groups = {{{(dir / "head.csv").string(), (dir / "part.csv").string()}, {}, {"A", "B"}}};
    grouped.output = (dir / "grouped.mmg").string();
    spelled.nodes = {(dir / "spelled.csv").string()};
    spelled.output = (dir / "spelled.mmg").string();
    const std::string expected = build_with(spelled, 1, uint64_t(1) << 40, false);
    REQUIRE(expected.rfind("error:", 0) == std::string::npos);
    for (auto [threads, chunk] : {std::pair{1u, uint64_t(1) << 40}, {2u, 5ull}, {3u, 11ull}}) {
        INFO(threads << " threads, chunks of " << chunk << " bytes");
        CHECK(build_with(grouped, threads, chunk, false) == expected);
    }
}

namespace {

// parse_number's answer for `text` against std::from_chars's: the same success, and then the
// same bits (-0.0 included).
template <typename T>
void expect_as_from_chars(const std::string& text) {
    T fast{}, slow{};
    const bool fast_ok = mmgraph::importer::parse_number(text, fast);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), slow);
    const bool slow_ok = ec == std::errc() && end == text.data() + text.size() && !text.empty();
    INFO(text << (std::is_same_v<T, float> ? " as float" : " as double"));
    REQUIRE(fast_ok == slow_ok);
    if (fast_ok) REQUIRE(std::memcmp(&fast, &slow, sizeof(T)) == 0);
}

}  // namespace

TEST_CASE("values: plain decimals parse to the bits std::from_chars gives", "[import]") {
    std::vector<std::string> texts{"0",          "-0",         "0.0",      "-0.0",   "1.",      ".5",      "-.5",      "1e5",   "0x10",
                                   "1.2.3",      "-",          "",         "--1",    "00012.50", "16777216", "16777217", "0.1",   "-2017",
                                   "9007199254740992", "9007199254740993", "123456789012345678", "1234567890123456789",
                                   "0.0000000001", "0.00000000001", "1.0000000000000000000001", "3.4028235e38", "inf", "nan", "1,5"};
    std::mt19937_64 rng(20261206);
    for (int i = 0; i < 100000; ++i) {  // few significant digits, the point far from them
        std::string digits(rng() % 16, '0');
        const int count = 1 + static_cast<int>(rng() % 8);
        for (int d = 0; d < count; ++d) digits += static_cast<char>('0' + rng() % 10);
        texts.push_back((rng() % 2 ? "-0." : "0.") + digits);
    }
    for (int i = 0; i < 200000; ++i) {
        std::string digits;
        const int count = 1 + static_cast<int>(rng() % 19);
        for (int d = 0; d < count; ++d) digits += static_cast<char>('0' + rng() % 10);
        const size_t point = rng() % (digits.size() + 1);  // at the end: none
        std::string text = (rng() % 4 == 0 ? "-" : "") + digits.substr(0, point);
        if (point < digits.size()) text += (point == 0 ? "0." : ".") + digits.substr(point);
        texts.push_back(text);
    }
    for (const std::string& text : texts) {
        expect_as_from_chars<float>(text);
        expect_as_from_chars<double>(text);
    }
}
