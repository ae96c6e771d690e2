// check_against_model (random_graph.hpp): the Catch2 half of the random-graph helpers, kept apart
// so that programs without Catch2 (tests/damaged_corpus.cpp) can link the rest.
#include <algorithm>
#include <cstdlib>

#include <catch2/catch.hpp>

#include "support/random_graph.hpp"

namespace mmgraph::test {

void check_against_model(const Model& model, const std::filesystem::path& path) {
    Dataset d = Dataset::open(path);
    REQUIRE(d.vertex_count() == model.vertices.size());
    REQUIRE(d.edge_count() == model.edges.size());
    auto key_of = [&](VertexRef r) { return d.vertex(r).key_string(); };
    auto key = [&](const std::string& k) -> Key {
        if (model.key_type == KeyType::int64) return static_cast<int64_t>(std::strtoll(k.c_str(), nullptr, 10));
        return std::string_view(k);
    };
    // Expected adjacency per vertex as sorted "other|type|props" strings.
    std::vector<std::vector<std::string>> out(model.vertices.size()), in(model.vertices.size());
    for (const auto& e : model.edges) {
        std::string props;
        for (const auto& p : e.props) props += "|" + p.text();
        const std::string& type = model.edge_types[e.type].first;
        out[e.src].push_back(model.vertices[e.dst].key + "|" + type + props);
        in[e.dst].push_back(model.vertices[e.src].key + "|" + type + props);
    }
    for (size_t i = 0; i < model.vertices.size(); ++i) {
        const ModelVertex& mv = model.vertices[i];
        auto v = d.find(key(mv.key));
        REQUIRE(v.has_value());
        CHECK(v->key_string() == mv.key);
        CHECK(v->label_name() == model.labels[mv.label].first);
        for (size_t j = 0; j < mv.values.size(); ++j) {
            INFO("vertex " << mv.key << " attribute " << model.labels[mv.label].second[j].name);
            CHECK(canonical(v->get(static_cast<uint32_t>(j)), key_of) == mv.values[j].text());
        }
        for (Direction dir : {Direction::out, Direction::in}) {
            if (dir == Direction::in && !v->file().has_in_edges()) continue;
            std::vector<std::string> actual;
            for (const Edge& e : v->edges(dir)) {
                std::string s = key_of(e.target) + "|" + std::string(v->file().edge_types()[e.type].name);
                for (uint32_t p = 0; p < v->file().edge_types()[e.type].attributes.size(); ++p)
                    s += "|" + canonical(d.property(e, *v, p), key_of);
                actual.push_back(std::move(s));
            }
            std::vector<std::string>& expected = dir == Direction::out ? out[i] : in[i];  // sorted in place: each is read once
            std::sort(actual.begin(), actual.end());
            std::sort(expected.begin(), expected.end());
            INFO("vertex " << mv.key << (dir == Direction::out ? " out" : " in") << "-edges");
            CHECK(actual == expected);
            CHECK(v->degree(dir) == expected.size());
        }
    }
}

}  // namespace mmgraph::test
