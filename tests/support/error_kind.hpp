// The kind of the mmgraph::Error a call throws, for tests that check kinds.
#pragma once

#include <catch2/catch.hpp>

#include "mmgraph/error.hpp"

namespace mmgraph::test {

// Fails the test when `call` throws no mmgraph::Error.
template <typename Call>
ErrorKind kind_thrown(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no mmgraph::Error thrown");
    return ErrorKind::misuse;
}

}  // namespace mmgraph::test
