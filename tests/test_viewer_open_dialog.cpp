// viewer/model/directory_listing: what the Open dialog lists.
#include <catch2/catch.hpp>

#include <fstream>

#include "directory_listing.hpp"
#include "support/random_graph.hpp"

using namespace mmgraph::viewer;
using mmgraph::test::TempDir;

TEST_CASE("the open dialog lists folders first, then files with sizes, optionally only .mmg", "[viewer][open]") {
    TempDir dir;
    std::filesystem::create_directory(dir / "zeta");
    std::filesystem::create_directory(dir / "alpha");
    std::ofstream(dir / "b.mmg") << std::string(100, 'x');
    std::ofstream(dir / "a.csv") << "id\n";
    std::ofstream(dir / "c.mmg.tmp") << "";

    const DirectoryListing all = list_directory(dir.path.string(), false);
    CHECK(all.error.empty());
    std::vector<std::string> names;
    for (const auto& e : all.entries) names.push_back(e.name + (e.is_directory ? "/" : ""));
    CHECK(names == std::vector<std::string>{"../", "alpha/", "zeta/", "a.csv", "b.mmg", "c.mmg.tmp"});
    CHECK(all.entries[4].size == 100);

    names.clear();
    for (const auto& e : list_directory(dir.path.string(), true).entries) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"..", "alpha", "zeta", "b.mmg"});

    const DirectoryListing missing = list_directory((dir / "nope").string(), true);
    CHECK_FALSE(missing.error.empty());
    CHECK(missing.entries.size() == 1);  // ".." still leads out
}
