// mmgraph::Error: every error carries a kind a program can switch on, beside its message.
#include <catch2/catch.hpp>

#include <cerrno>
#include <set>
#include <string>

#include "mmgraph/error.hpp"

using namespace mmgraph;

TEST_CASE("errors: the kind, message, errno and location survive a throw", "[errors]") {
    try {
        throw Error::io("out.mmg: cannot sync: no space left", ENOSPC);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(e.error_number() == ENOSPC);
        CHECK(std::string(e.what()) == "out.mmg: cannot sync: no space left");
        CHECK_FALSE(e.location());
    }
    try {
        throw Error("people.csv:3:7: expected an integer, got 'x'", InputLocation{"people.csv", 3, 7});
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::bad_input);
        CHECK(e.error_number() == 0);
        REQUIRE(e.location());
        CHECK(e.location()->path == "people.csv");
        CHECK(e.location()->line == 3);
        CHECK(e.location()->column == 7);
    }
}

TEST_CASE("errors: every kind has a name of its own", "[errors]") {
    const ErrorKind kinds[] = {ErrorKind::damaged, ErrorKind::bad_input, ErrorKind::limit, ErrorKind::io, ErrorKind::misuse};
    std::set<std::string_view> names;
    for (ErrorKind kind : kinds) {
        CHECK(kind_name(kind) != "unknown");
        names.insert(kind_name(kind));
        CHECK(Error(kind, "x").kind() == kind);
    }
    CHECK(names.size() == std::size(kinds));
}

TEST_CASE("errors: a batch call's row, then the place that row came from", "[errors]") {
    const Error cause = Error::io("cannot write staged edges: no space left", ENOSPC);
    const Error at_row = cause.prefixed("the rows before it were added").at_row(12);
    CHECK(std::string(at_row.what()) == "row 12: the rows before it were added: cannot write staged edges: no space left");
    REQUIRE(at_row.row());
    CHECK(*at_row.row() == 12);

    const Error placed = at_row.moved_to_place("edges.txt:40:1");
    CHECK(std::string(placed.what()) == "edges.txt:40:1: the rows before it were added: cannot write staged edges: no space left");
    CHECK(placed.kind() == ErrorKind::io);
    CHECK(placed.error_number() == ENOSPC);
    CHECK_FALSE(placed.row());

    // Context added after the row stays: only at_row's own prefix is replaced.
    const Error wrapped = at_row.prefixed("batch 3");
    CHECK(std::string(wrapped.moved_to_place("here").what()) == "here: batch 3: row 12: the rows before it were added: cannot write staged edges: no space left");
}
