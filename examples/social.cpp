// Writes a small social graph with the C++ API, then maps it and walks it.
//
//     ./example_social [OUT.mmg]
#include <iostream>
#include <vector>

#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "social.mmg";
    using mmgraph::TypeCode;
    try {
        mmgraph::Writer writer;
        auto person = writer.add_label("Person", {{"name", TypeCode::string},
                                                  {"born", TypeCode::int16, /*nullable=*/true},
                                                  {"scores", mmgraph::Type::list_of(TypeCode::float32)}});
        auto city = writer.add_label("City", {{"name", TypeCode::string}, {"population", TypeCode::uint32}});
        auto knows = writer.add_edge_type("KNOWS", {{"since", TypeCode::int32}});
        auto lives_in = writer.add_edge_type("LIVES_IN");

        std::vector<float> ada_scores{9.5f, 8.0f};
        writer.add_vertex("ada", person, {"Ada Lovelace", 1815, mmgraph::Value::list(ada_scores)});
        writer.add_vertex("alan", person, {"Alan Turing", 1912, mmgraph::Value::list(std::vector<float>{})});
        writer.add_vertex("grace", person, {"Grace Hopper", mmgraph::Value::null(), mmgraph::Value::list(std::vector<float>{7.25f})});
        writer.add_vertex("london", city, {"London", 8'982'000u});
        writer.add_edge("ada", "alan", knows, {1936});
        writer.add_edge("alan", "grace", knows, {1944});
        writer.add_edge("ada", "london", lives_in);
        writer.add_edge("alan", "london", lives_in);
        auto stats = writer.finish(path);
        std::cout << "wrote " << path << ": " << stats.vertices << " vertices, " << stats.edges << " edges, "
                  << stats.bytes << " bytes\n";

        auto file = mmgraph::File::open(path);
        auto alan = file->find("alan");
        std::cout << alan->get("name").as_string() << " (" << alan->label_name() << ", born "
                  << alan->get("born").as_int() << ")\n";
        auto knows_id = *file->find_edge_type("KNOWS");
        for (auto direction : {mmgraph::Direction::in, mmgraph::Direction::out}) {
            for (const mmgraph::Edge& edge : alan->edges(direction, knows_id)) {
                auto other = file->vertex(edge.target.index);
                std::cout << (direction == mmgraph::Direction::out ? "  knows " : "  known by ")
                          << other.get("name").as_string() << " since " << file->property(edge, 0).as_int() << "\n";
            }
        }
        auto grace = file->find("grace");
        std::cout << "Grace's birth year is " << (grace->get("born").is_null() ? "unknown" : "known") << "\n";
        file->verify();
        std::cout << "verify: ok\n";
    } catch (const mmgraph::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
