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
