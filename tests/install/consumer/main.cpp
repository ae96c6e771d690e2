// Writes a two-vertex graph and reads it back (and searches it) through the installed headers and libraries.
#include <cstdio>
#include <vector>

#include <mmgraph/reader.hpp>
#include <mmgraph/traversal.hpp>
#include <mmgraph/version.hpp>
#include <mmgraph/writer.hpp>

static_assert(MMGRAPH_VERSION_MAJOR == 2, "the consumer asked find_package for mmgraph 2");

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "consumer.mmg";
    mmgraph::Writer writer;
    auto city = writer.add_label("City", {{"name", mmgraph::TypeCode::string}});
    auto road = writer.add_edge_type("ROAD", {{"km", mmgraph::TypeCode::uint32}});
    writer.add_vertex("osl", city, {"Oslo"});
    writer.add_vertex("bgo", city, {"Bergen"});
    writer.add_edge("osl", "bgo", road, {463u});
    writer.finish(path);

    auto file = mmgraph::File::open(path);
    file->verify();
    auto oslo = file->find("osl");
    if (!oslo || oslo->get("name").as_string() != "Oslo") return 1;
    if (file->version_major() != MMGRAPH_FORMAT_VERSION_MAJOR) return 1;
    if (oslo->get<std::string_view>("name") != "Oslo") return 1;
    for (const mmgraph::Edge& edge : oslo->edges(mmgraph::Direction::out)) {
        if (file->vertex(edge.target.index).key_string() != "bgo" || file->property(edge, 0).as_uint() != 463) return 1;
        if (file->property(edge, "km").as<uint32_t>() != 463) return 1;
        const mmgraph::Dataset dataset = mmgraph::Dataset::open(path);
        std::vector<int32_t> distance(dataset.vertex_count());
        if (mmgraph::bfs(dataset, oslo->ref(), distance).reached() != 2 || distance[edge.target.index] != 1) return 1;
        std::printf("consumer: Oslo -> Bergen, 463 km\n");
        return 0;
    }
    return 1;
}
