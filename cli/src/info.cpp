// `mmgraph info`: what a file holds and where its bytes go, as JSON or as an aligned report.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "inspect.hpp"
#include "mmgraph/format/endian.hpp"
#include "mmgraph/format/fields.hpp"
#include "mmgraph/reader.hpp"

namespace mmgraph::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string hex_id(const std::array<uint8_t, 16>& id) {
    std::string out;
    char buf[3];
    for (uint8_t b : id) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
    }
    return out;
}

// The edge type an edge_props section belongs to (its first field, §8.2), if readable.
std::optional<std::string> edge_props_type(const File& file, const SectionInfo& section) {
    if (section.kind != static_cast<uint16_t>(format::SectionKind::edge_props) || section.length < 4) return std::nullopt;
    uint32_t type = format::load<uint32_t>(file.data() + section.offset);
    if (type >= file.edge_types().size()) return std::nullopt;
    return std::string(file.edge_types()[type].name);
}

Json schema_json(std::span<const LabelInfo> shapes) {
    Json list = Json::array();
    for (const LabelInfo& shape : shapes) {
        Json attributes = Json::array();
        for (const AttributeInfo& a : shape.attributes)
            attributes.push_back({{"name", a.name}, {"type", a.type.name()}, {"nullable", a.nullable}});
        list.push_back({{"name", shape.name}, {"attributes", std::move(attributes)}});
    }
    return list;
}

// The combinations of several labels (§6.6) with their vertex counts, from the node types.
Json label_sets_json(const File& file) {
    std::vector<uint64_t> vertices(file.label_sets().size(), 0);
    for (const NodeTypeInfo& nt : file.node_types())
        if (nt.label >= file.labels().size()) vertices[nt.label - file.labels().size()] += nt.vertices;
    Json sets = Json::array();
    for (size_t i = 0; i < file.label_sets().size(); ++i) {
        Json names = Json::array();
        for (uint32_t label : file.label_sets()[i].labels) names.push_back(file.labels()[label].name);
        sets.push_back({{"id", file.labels().size() + i}, {"labels", std::move(names)}, {"vertices", vertices[i]}});
    }
    return sets;
}

Json describe(const File& file) {
    Json j;
    j["file"] = file.path().string();
    j["format_version"] = std::to_string(file.version_major()) + "." + std::to_string(file.version_minor());
    j["file_size"] = file.file_size();
    j["shard_id"] = file.shard_id();
    j["shard_count"] = file.shard_count();
    j["dataset_id"] = hex_id(file.dataset_id());
    j["key_type"] = file.key_type() == KeyType::int64 ? "int64" : "string";
    j["has_in_edges"] = file.has_in_edges();
    j["vertices"] = file.vertex_count();
    j["edges"] = file.edge_count();
    Json labels = Json::object(), types = Json::object();
    for (const LabelInfo& l : file.labels()) labels[std::string(l.name)] = l.count;
    for (const LabelInfo& t : file.edge_types()) types[std::string(t.name)] = t.count;
    j["labels"] = std::move(labels);
    j["label_sets"] = label_sets_json(file);
    j["id_spaces"] = Json::array();
    for (std::string_view name : file.id_space_names()) j["id_spaces"].push_back(name);
    j["edge_types"] = std::move(types);
    Json sections = Json::array();
    for (const SectionInfo& s : file.sections()) {
        Json entry = {{"name", s.name()}, {"offset", s.offset}, {"size", s.length}};
        if (auto type = edge_props_type(file, s)) entry["edge_type"] = *type;
        sections.push_back(std::move(entry));
    }
    j["sections"] = std::move(sections);
    Json node_types = Json::array();
    for (size_t i = 0; i < file.node_types().size(); ++i) {
        const NodeTypeInfo& nt = file.node_types()[i];
        node_types.push_back({{"id", i},
                              {"label", file.label_set_layout(nt.label).name},
                              {"offset_widths", nt.offset_widths},
                              {"vertices", nt.vertices}});
    }
    j["node_types"] = std::move(node_types);
    j["schema"] = {{"labels", schema_json(file.labels())}, {"edge_types", schema_json(file.edge_types())}};
    return j;
}

std::string attribute_list(const LabelInfo& shape) {
    std::string out;
    for (const AttributeInfo& a : shape.attributes)
        out += (out.empty() ? "" : ", ") + std::string(a.name) + ": " + a.type.name() + (a.nullable ? "?" : "");
    return out.empty() ? "-" : out;
}

void print_report(const File& file) {
    auto percent = [&](uint64_t bytes) { return 100.0 * static_cast<double>(bytes) / static_cast<double>(file.file_size()); };
    std::printf("%s\n", file.path().c_str());
    std::printf("  format      %u.%u\n", file.version_major(), file.version_minor());
    std::printf("  size        %llu bytes\n", static_cast<unsigned long long>(file.file_size()));
    std::printf("  shard       %u of %u, dataset %s\n", file.shard_id(), file.shard_count(), hex_id(file.dataset_id()).c_str());
    std::printf("  keys        %s\n", file.key_type() == KeyType::int64 ? "int64" : "string");
    std::printf("  vertices    %llu\n", static_cast<unsigned long long>(file.vertex_count()));
    std::printf("  edges       %llu (in-edges %s)\n", static_cast<unsigned long long>(file.edge_count()),
                file.has_in_edges() ? "stored" : "not stored");

    std::printf("\n  %-20s %12s  %s\n", "label", "vertices", "attributes (? = nullable)");
    for (const LabelInfo& l : file.labels())
        std::printf("  %-20s %12llu  %s\n", std::string(l.name).c_str(), static_cast<unsigned long long>(l.count), attribute_list(l).c_str());
    if (!file.id_space_names().empty()) {
        std::string names;
        for (std::string_view name : file.id_space_names()) names += (names.empty() ? "" : ", ") + std::string(name);
        std::printf("  ID spaces   %s (and the unnamed default)\n", names.c_str());
    }
    const Json sets = label_sets_json(file);
    if (!sets.empty()) {
        std::printf("\n  %-20s %12s\n", "label set", "vertices");
        for (const Json& set : sets) {
            std::string names;
            for (const Json& name : set["labels"]) names += (names.empty() ? "" : ";") + name.get<std::string>();
            std::printf("  %-20s %12llu\n", names.c_str(), static_cast<unsigned long long>(set["vertices"].get<uint64_t>()));
        }
    }
    std::printf("\n  %-20s %12s  %s\n", "edge type", "edges", "properties");
    for (const LabelInfo& t : file.edge_types())
        std::printf("  %-20s %12llu  %s\n", std::string(t.name).c_str(), static_cast<unsigned long long>(t.count), attribute_list(t).c_str());

    // Every byte of the file in one table: header, directory, sections, and the alignment
    // padding between them, so that the percentages add up to 100.
    std::printf("\n  %-24s %12s %14s %7s\n", "section", "offset", "bytes", "%");
    auto row = [&](const std::string& name, uint64_t offset, uint64_t bytes) {
        std::printf("  %-24s %#12llx %14llu %6.2f%%\n", name.c_str(), static_cast<unsigned long long>(offset),
                    static_cast<unsigned long long>(bytes), percent(bytes));
    };
    uint64_t directory = format::get(file.data(), format::header::Field::directory_offset);
    uint64_t directory_size = file.sections().size() * format::dir_entry::kSize;
    row("header", 0, format::header::kSize);
    row("directory", directory, directory_size);
    uint64_t used = format::header::kSize + directory_size;
    for (const SectionInfo& s : file.sections()) {
        std::string name(s.name());
        if (auto type = edge_props_type(file, s)) name += " (" + *type + ")";
        row(name, s.offset, s.length);
        used += s.length;
    }
    std::printf("  %-24s %12s %14llu %6.2f%%\n", "padding", "", static_cast<unsigned long long>(file.file_size() - used),
                percent(file.file_size() - used));

    std::printf("\n  %-9s %-20s %12s  %s\n", "node type", "label", "vertices", "offset widths");
    for (size_t i = 0; i < file.node_types().size(); ++i) {
        const NodeTypeInfo& nt = file.node_types()[i];
        std::string widths;
        for (uint8_t w : nt.offset_widths) widths += (widths.empty() ? "" : " ") + std::to_string(w);
        std::printf("  %-9zu %-20s %12llu  %s\n", i, std::string(file.label_set_layout(nt.label).name).c_str(),
                    static_cast<unsigned long long>(nt.vertices), widths.empty() ? "-" : widths.c_str());
    }
}

}  // namespace

std::string without_path(std::string message, const std::string& path) {
    std::string prefix = path + ": ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    return message;
}

void run_info(const InfoOptions& options) {
    auto file = File::open(options.file);
    if (options.json) std::cout << describe(*file).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    else print_report(*file);
}

}  // namespace mmgraph::cli
