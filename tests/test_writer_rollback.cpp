// The writer's promise (writer.hpp): a call that throws leaves the writer as it was. For every
// kind of call, a graph written with failing calls interleaved is byte-identical to the same
// graph written without them; each failure also names its ErrorKind.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::read_bytes;
using mmgraph::test::TempDir;

namespace {

// Runs `call`, which must throw an Error of `kind`.
void expect_failure(ErrorKind kind, const std::function<void()>& call) {
    try {
        call();
        FAIL("the call did not throw");
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(kind_name(e.kind()) == kind_name(kind));
    }
}

WriterOptions options_for(const TempDir& dir, KeyType key_type) {
    WriterOptions o;
    o.key_type = key_type;
    o.temp_directory = dir.path;
    o.threads = 1;
    o.max_value_size = 64;  // a key or value past it is a limit error at a small size
    return o;
}

Key key(KeyType type, int i, std::string& storage) {
    if (type == KeyType::int64) return int64_t{i};
    storage = "v" + std::to_string(i);
    return std::string_view(storage);
}

// Writes one graph that exercises every add_* call; with `inject`, a failing call of each kind
// comes before the successful ones (several at the first vertex and edge, where a writer's
// lazily created columns start).
std::vector<uint8_t> write_graph(KeyType type, bool inject) {
    TempDir dir;
    Writer w(options_for(dir, type));
    auto fail = [&](ErrorKind kind, const std::function<void()>& call) {
        if (inject) expect_failure(kind, call);
    };
    const std::string too_long(65, 'x');
    const Key wrong_type = type == KeyType::string ? Key(int64_t{7}) : Key(std::string_view("seven"));

    fail(ErrorKind::bad_input, [&] { w.add_label(""); });
    fail(ErrorKind::bad_input, [&] { w.add_label("Person", {{"a", TypeCode::int32}, {"a", TypeCode::string}}); });
    const LabelId person = w.add_label("Person", {{"name", TypeCode::string},
                                                  {"age", TypeCode::int32, true},
                                                  {"tags", Type::list_of(TypeCode::string), true},
                                                  {"boss", TypeCode::vertex_ref, true}});
    fail(ErrorKind::bad_input, [&] { w.add_label("Person"); });
    const LabelId city = w.add_label("City");
    fail(ErrorKind::bad_input, [&] { w.add_edge_type("KNOWS", {{"w", TypeCode::float64}, {"w", TypeCode::int8}}); });
    const EdgeTypeId knows = w.add_edge_type("KNOWS", {{"since", TypeCode::int32}, {"note", TypeCode::string, true}});
    fail(ErrorKind::bad_input, [&] { w.add_edge_type("KNOWS"); });
    const EdgeTypeId in = w.add_edge_type("IN");

    std::string s0, s1, s2;
    // Fails after its first value is staged: the staged bytes must go again.
    fail(ErrorKind::bad_input, [&] { w.add_vertex(key(type, 0, s0), person, {Value("Ann"), Value("old")}); });
    fail(ErrorKind::bad_input, [&] { w.add_vertex(key(type, 0, s0), person, {Value("Ann"), Value(3), Value(), Value(), Value(1)}); });
    fail(ErrorKind::bad_input, [&] { w.add_vertex(key(type, 0, s0), person, {Value()}); });
    fail(ErrorKind::limit, [&] { w.add_vertex(key(type, 0, s0), person, {Value(too_long)}); });
    fail(ErrorKind::bad_input, [&] { w.add_vertex(wrong_type, person, {Value("Ann")}); });
    fail(ErrorKind::misuse, [&] { w.add_vertex(key(type, 0, s0), 99, {}); });
    if (type == KeyType::string) fail(ErrorKind::limit, [&] { w.add_vertex(std::string_view(too_long), city); });
    w.add_vertex(key(type, 0, s0), person, {Value("Ann"), Value(41)});
    fail(ErrorKind::bad_input, [&] { w.add_vertex(key(type, 0, s0), person, {Value("Ann")}); });

    fail(ErrorKind::misuse, [&] { w.vertex_for(key(type, 1, s1), 99); });
    fail(ErrorKind::bad_input, [&] { w.vertex_for(wrong_type, city); });
    CHECK(w.vertex_for(key(type, 1, s1), city) == 1);

    // vertices_for: every refusal comes before the first new vertex is added.
    std::vector<std::string> storage(8);
    std::vector<Key> keys;
    for (int i = 2; i < 8; ++i) keys.push_back(key(type, i, storage[static_cast<size_t>(i)]));
    std::vector<uint32_t> ids(keys.size());
    std::vector<Key> with_bad = keys;
    with_bad.push_back(wrong_type);
    std::vector<uint32_t> more_ids(with_bad.size());
    fail(ErrorKind::bad_input, [&] { w.vertices_for(with_bad, city, more_ids); });
    if (type == KeyType::string) {
        with_bad.back() = std::string_view(too_long);
        fail(ErrorKind::limit, [&] { w.vertices_for(with_bad, city, more_ids); });
    }
    fail(ErrorKind::misuse, [&] { w.vertices_for(keys, city, std::span<uint32_t>(ids).first(2)); });
    fail(ErrorKind::misuse, [&] { w.vertices_for(keys, 42, ids); });
    w.vertices_for(keys, city, ids);
    CHECK(ids.front() == 2);
    CHECK(w.vertex_count() == 8);

    // A vertex with a reference and a list, after failures that staged part of one.
    const std::vector<std::string_view> tags = {"a", "bb"};
    std::string s8;
    fail(ErrorKind::bad_input, [&] { w.add_vertex(key(type, 8, s8), person, {Value("Bo"), Value(5), Value::list(tags), Value(3)}); });
    w.add_vertex(key(type, 8, s8), person, {Value("Bo"), Value(5), Value::list(tags), Value::ref(key(type, 0, s0))});

    // Edges: the first edge sets the item pattern, so failures come before it as well.
    fail(ErrorKind::bad_input, [&] { w.add_edge(key(type, 0, s0), key(type, 1, s1), knows, {Value(1), Value(2)}); });
    fail(ErrorKind::bad_input, [&] { w.add_edge(key(type, 0, s0), key(type, 77, s2), knows, {Value(1)}); });
    fail(ErrorKind::bad_input, [&] { w.add_edge(key(type, 0, s0), key(type, 1, s1), in, {Value(1)}); });
    fail(ErrorKind::misuse, [&] { w.add_edge(key(type, 0, s0), key(type, 1, s1), 9); });
    fail(ErrorKind::limit, [&] { w.add_edge(key(type, 0, s0), key(type, 1, s1), knows, {Value(1), Value(too_long)}); });
    w.add_edge(key(type, 0, s0), key(type, 1, s1), knows, {Value(2001), Value("met")});
    fail(ErrorKind::bad_input, [&] { w.add_edge(wrong_type, key(type, 1, s1), in); });
    w.add_edge(key(type, 1, s1), key(type, 8, s8), in);

    fail(ErrorKind::misuse, [&] { w.add_edge_by_id(0, 100, in); });
    fail(ErrorKind::bad_input, [&] { w.add_edge_by_id(0, 2, knows, std::vector<Value>{Value("not a number")}); });
    fail(ErrorKind::misuse, [&] { w.add_edge_by_id(0, 2, 5); });
    w.add_edge_by_id(0, 2, knows, std::vector<Value>{Value(1999)});
    for (uint32_t v = 2; v < 8; ++v) {
        fail(ErrorKind::bad_input, [&] { w.add_edge_by_id(v, 0, knows, std::vector<Value>{Value(1), Value(2.5)}); });
        w.add_edge_by_id(v, v % 3, v % 2 ? knows : in, v % 2 ? std::vector<Value>{Value(static_cast<int>(v))} : std::vector<Value>{});
    }
    CHECK(w.edge_count() == 9);

    const auto path = dir / "g.mmg";
    w.finish(path);
    fail(ErrorKind::misuse, [&] { w.finish(dir / "again.mmg"); });
    return read_bytes(path);
}

}  // namespace

TEST_CASE("a failed call leaves the writer as it was: the file is the one written without it", "[writer][errors]") {
    for (KeyType type : {KeyType::string, KeyType::int64}) {
        CAPTURE(static_cast<int>(type));
        const auto clean = write_graph(type, false);
        const auto with_failures = write_graph(type, true);
        CHECK(clean.size() == with_failures.size());
        CHECK(clean == with_failures);
    }
}

TEST_CASE("a failed finish() keeps everything staged and may be called again", "[writer][errors]") {
    auto write = [](const std::filesystem::path& path, bool fail_first) {
        TempDir scratch;
        WriterOptions o;
        o.temp_directory = scratch.path;
        Writer w(o);
        const LabelId l = w.add_label("L", {{"next", TypeCode::vertex_ref, true}});
        w.add_vertex("a", l, {Value::ref(std::string_view("b"))});
        if (fail_first) {
            // An unknown reference, then a directory that does not exist.
            expect_failure(ErrorKind::bad_input, [&] { w.finish(path); });
            w.add_vertex("b", l);
            expect_failure(ErrorKind::io, [&] { w.finish(path.parent_path() / "missing" / "g.mmg"); });
        } else {
            w.add_vertex("b", l);
        }
        w.add_edge("a", "b", w.add_edge_type("E"));
        w.finish(path);
        return read_bytes(path);
    };
    TempDir dir;
    CHECK(write(dir / "clean.mmg", false) == write(dir / "retried.mmg", true));
}

namespace {

// A graph of `n` vertices and a ring of edges with properties, added row by row or in batches;
// with `inject`, batches that fail at their last row come first (the first past a growth of
// the key table, so the rows taken back are spread over a rehashed table).
std::vector<uint8_t> write_batched(KeyType type, bool batched, bool inject) {
    TempDir dir;
    Writer w(options_for(dir, type));
    const LabelId person = w.add_label("Person", {{"age", TypeCode::int32, true}, {"name", TypeCode::string, true}});
    const EdgeTypeId knows = w.add_edge_type("KNOWS", {{"since", TypeCode::int32}});
    constexpr int n = 3000;
    std::vector<std::string> storage(n + 1);
    std::vector<Key> keys;
    for (int i = 0; i < n; ++i) keys.push_back(key(type, i, storage[static_cast<size_t>(i)]));
    std::vector<Value> row(2);
    auto values = [&](size_t r) {
        row = {r % 5 ? Value(static_cast<int>(r)) : Value(), Value("p")};
        return std::span<const Value>(row);
    };
    if (inject) {
        std::vector<Key> with_duplicate(keys.begin(), keys.begin() + 2000);
        with_duplicate.push_back(keys[3]);
        try {
            w.add_vertices(with_duplicate, person, values);
            FAIL("a duplicate key was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::bad_input);
            CHECK(e.row() == std::optional<uint64_t>(2000));
            CHECK_THAT(e.what(), Catch::StartsWith("row 2000: duplicate vertex key"));
        }
        const std::string too_long(65, 'x');
        expect_failure(ErrorKind::limit, [&] {
            w.add_vertices(std::span<const Key>(keys).first(100), person, [&](size_t r) {
                row = {Value(1), r == 99 ? Value(too_long) : Value("p")};
                return std::span<const Value>(row);
            });
        });
        CHECK(w.vertex_count() == 0);
        CHECK_FALSE(w.has_vertex(keys[0]));
    }
    if (batched) {
        w.add_vertices(keys, person, values);
    } else {
        for (int i = 0; i < n; ++i) w.add_vertex(keys[static_cast<size_t>(i)], person, values(static_cast<size_t>(i)));
    }
    CHECK(w.vertex_count() == n);
    for (int i = 0; i < n; i += 97) CHECK(w.has_vertex(keys[static_cast<size_t>(i)]));

    std::vector<uint32_t> from(n), to(n);
    for (uint32_t i = 0; i < n; ++i) from[i] = i, to[i] = (i + 1) % n;
    std::vector<Value> since(1);
    auto properties = [&](size_t r) {
        since[0] = Value(static_cast<int>(r));
        return std::span<const Value>(since);
    };
    if (inject) {
        expect_failure(ErrorKind::bad_input, [&] {
            w.add_edges_by_id(from, to, knows, [&](size_t r) {
                since[0] = r == n - 1 ? Value("late") : Value(1);
                return std::span<const Value>(since);
            });
        });
        std::vector<uint32_t> bad_to = to;
        bad_to.back() = n + 5;
        expect_failure(ErrorKind::misuse, [&] { w.add_edges_by_id(from, bad_to, knows, properties); });
        CHECK(w.edge_count() == 0);
    }
    if (batched) {
        w.add_edges_by_id(from, to, knows, properties);
    } else {
        for (uint32_t i = 0; i < n; ++i) w.add_edge_by_id(from[i], to[i], knows, properties(i));
    }
    const auto path = dir / "g.mmg";
    w.finish(path);
    return read_bytes(path);
}

}  // namespace

TEST_CASE("batch calls add every row or none, and write what one call per row writes", "[writer][errors]") {
    for (KeyType type : {KeyType::string, KeyType::int64}) {
        CAPTURE(static_cast<int>(type));
        const auto row_by_row = write_batched(type, false, false);
        CHECK(write_batched(type, true, false) == row_by_row);
        CHECK(write_batched(type, true, true) == row_by_row);
    }
}
