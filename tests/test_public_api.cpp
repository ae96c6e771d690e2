// The public API as a service author meets it: the version header and what the headers refuse
// at compile time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mmgraph/version.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph;
using mmgraph::test::TempDir;

namespace {

// File::impl() is private: the parsed tables are not part of the API.
template <typename F>
concept exposes_impl = requires(const F& f) { f.impl(); };
static_assert(!exposes_impl<File>);

// A Value views its data: a temporary std::string would dangle.
static_assert(!std::is_constructible_v<Value, std::string&&>);
static_assert(!std::is_constructible_v<Value, const std::string&&>);
static_assert(!std::is_constructible_v<Value, std::string>);
static_assert(std::is_constructible_v<Value, const std::string&>);
static_assert(std::is_constructible_v<Value, std::string&>);
static_assert(std::is_constructible_v<Value, std::string_view>);
static_assert(std::is_constructible_v<Value, const char*>);
template <typename S>
concept makes_ref = requires(S&& s) { Value::ref(std::forward<S>(s)); };
static_assert(!makes_ref<std::string>);
static_assert(makes_ref<std::string&>);
static_assert(makes_ref<std::string_view>);
static_assert(makes_ref<const char (&)[4]>);

}  // namespace

TEST_CASE("version.hpp names the project version and the format version written", "[api]") {
    CHECK(std::string(MMGRAPH_VERSION_STRING) == std::to_string(MMGRAPH_VERSION_MAJOR) + "." +
                                                     std::to_string(MMGRAPH_VERSION_MINOR) + "." +
                                                     std::to_string(MMGRAPH_VERSION_PATCH));
    CHECK(MMGRAPH_VERSION_MAJOR >= 2);
    TempDir dir;
    Writer w;
    w.add_vertex("a", w.add_label("Thing"));
    w.finish(dir / "version.mmg");
    auto file = File::open(dir / "version.mmg");
    CHECK(file->version_major() == MMGRAPH_FORMAT_VERSION_MAJOR);
    CHECK(file->version_minor() == MMGRAPH_FORMAT_VERSION_MINOR);
}
