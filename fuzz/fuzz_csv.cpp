// libFuzzer target: the CSV importer (header parsing, RFC 4180 records, typed fields, the
// schema union, the writer behind it). The input is a node file, optionally followed by a line
// "===" and a relationship file. Build checks: see import_check.hpp. Text that is not UTF-8 is
// refused or replaced, and the node file is written plain or gzip'd, depending on the input's
// size; an input that is itself gzip or zip bytes reaches the decompression as it is.
#include <zlib.h>

#include <cstdint>
#include <string_view>

#include "import_check.hpp"

namespace {

bool write_gzip(const std::string& path, std::string_view text) {
    gzFile f = gzopen(path.c_str(), "wb1");
    if (!f) return false;
    const bool ok = text.empty() || gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size());
    return gzclose(f) == Z_OK && ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mmgraph::fuzz;
    static const std::string nodes = scratch_path("-nodes.csv"), edges = scratch_path("-edges.csv");
    std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view kSplit = "\n===\n";
    size_t split = text.find(kSplit);
    std::string_view node_text = text.substr(0, split);
    mmgraph::importer::BuildOptions options;
    options.nodes.push_back(nodes);
    // Both answers to text that is not UTF-8 (either way a built file must verify), and the
    // neo4j-admin reading options, chosen by bits of the size.
    if ((size / 23) % 2) options.invalid_utf8 = mmgraph::importer::InvalidUtf8::replace;
    const size_t rules = size / 92;
    if (rules & 1) options.quote = '\'';
    options.ignore_extra_columns = rules & 2;
    options.ignore_empty_strings = rules & 4;
    options.trim_strings = rules & 8;
    if ((size / 46) % 2 ? !write_gzip(nodes, node_text) : !write_scratch(nodes, data, node_text.size())) return 0;
    if (split != std::string_view::npos) {
        size_t from = split + kSplit.size();
        if (!write_scratch(edges, data + from, size - from)) return 0;
        options.relationships.push_back(edges);
    }
    build_and_check(options, 1 + size % 23);
    return 0;
}
