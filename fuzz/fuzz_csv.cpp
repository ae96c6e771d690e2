// libFuzzer target: the CSV importer (header parsing and its options, RFC 4180 records, typed
// fields, the schema union, file groups and their labels, the writer behind it). The input is a
// node file, optionally followed by a line "===" and a relationship file. Lines "---" cut the
// node file into a file group (neo4j-admin's `header.csv,part1.csv,...`: the first file's first
// line is the header of all). Build checks: see import_check.hpp. Text that is not UTF-8 is
// refused or replaced, the first node file is written plain or gzip'd, and the node files get
// option labels (--nodes=A:B=FILES) or none, depending on the input's size; an input that is
// itself gzip or zip bytes reaches the decompression as it is.
#include <zlib.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "import_check.hpp"
#include "values.hpp"

namespace {

bool write_gzip(const std::string& path, std::string_view text) {
    gzFile f = gzopen(path.c_str(), "wb1");
    if (!f) return false;
    const bool ok = text.empty() || gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size());
    return gzclose(f) == Z_OK && ok;
}

// The node text cut at "---" lines, at most kMaxParts pieces (the last keeps the rest).
constexpr size_t kMaxParts = 4;
std::vector<std::string_view> node_parts(std::string_view text) {
    constexpr std::string_view kCut = "\n---\n";
    std::vector<std::string_view> parts;
    for (size_t cut; parts.size() + 1 < kMaxParts && (cut = text.find(kCut)) != std::string_view::npos; text.remove_prefix(cut + kCut.size()))
        parts.push_back(text.substr(0, cut + 1));  // each part ends its last line
    parts.push_back(text);
    return parts;
}

// Labels for --nodes=A:B=FILES, chosen by the input's size: none, one, two, or the default
// label with a repeat (each label once).
std::vector<std::string> option_labels(size_t size) {
    switch ((size / 184) % 4) {
        case 1: return {"L"};
        case 2: return {"A", "B"};
        case 3: return {"Vertex", "A", "Vertex"};
        default: return {};
    }
}

// The numeric fields' fast path against the library: whatever text parse_plain_decimal takes,
// std::from_chars must take whole and give the same bits.
template <typename T>
void check_plain_decimal(std::string_view token) {
    T fast, slow;
    if (!mmgraph::importer::parse_plain_decimal(token, fast)) return;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), slow);
    if (ec != std::errc() || end != token.data() + token.size() || std::memcmp(&fast, &slow, sizeof(T)) != 0) std::abort();
}

// Every field-like token of the input (between commas, line breaks and quotes).
void check_plain_decimals(std::string_view text) {
    for (size_t at = 0; at <= text.size();) {
        const size_t end = std::min(text.find_first_of(",\n\r\"", at), text.size());
        check_plain_decimal<float>(text.substr(at, end - at));
        check_plain_decimal<double>(text.substr(at, end - at));
        at = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mmgraph::fuzz;
    static const std::string edges = scratch_path("-edges.csv");
    static const std::vector<std::string> nodes = [] {
        std::vector<std::string> paths;
        for (size_t i = 0; i < kMaxParts; ++i) paths.push_back(scratch_path("-nodes" + std::to_string(i) + ".csv"));
        return paths;
    }();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_plain_decimals(text);
    constexpr std::string_view kSplit = "\n===\n";
    size_t split = text.find(kSplit);
    const std::vector<std::string_view> parts = node_parts(text.substr(0, split));
    mmgraph::importer::BuildOptions options;
    mmgraph::importer::InputGroup group{{}, {}, option_labels(size)};
    for (size_t i = 0; i < parts.size(); ++i) group.files.push_back(nodes[i]);
    // One file without option labels is a file of its own; anything else a file group.
    if (group.files.size() == 1 && group.labels.empty()) options.nodes = group.files;
    else options.node_groups.push_back(group);
    options.skip_subsequent_headers = (size / 736) % 2;
    // Both answers to text that is not UTF-8 (either way a built file must verify), and the
    // neo4j-admin reading options, chosen by bits of the size.
    if ((size / 23) % 2) options.invalid_utf8 = mmgraph::importer::InvalidUtf8::replace;
    const size_t rules = size / 92;
    if (rules & 1) options.quote = '\'';
    options.ignore_extra_columns = rules & 2;
    options.ignore_empty_strings = rules & 4;
    options.trim_strings = rules & 8;
    if ((size / 46) % 2 ? !write_gzip(nodes[0], parts[0]) : !write_scratch(nodes[0], data, parts[0].size())) return 0;
    for (size_t i = 1; i < parts.size(); ++i)
        if (!write_scratch(nodes[i], reinterpret_cast<const uint8_t*>(parts[i].data()), parts[i].size())) return 0;
    if (split != std::string_view::npos) {
        size_t from = split + kSplit.size();
        if (!write_scratch(edges, data + from, size - from)) return 0;
        options.relationships.push_back(edges);
    }
    build_and_check(options, 1 + size % 23);
    return 0;
}
