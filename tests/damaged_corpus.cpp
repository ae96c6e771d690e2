// damaged_corpus: writes the damaged copies of the sweep files (support/damage.hpp, the same
// generation tests/test_damaged.cpp sweeps) into a directory, for readers other than the C++ one
// to be tested on (python/tests/test_damaged_corpus.py):
//
//   damaged_corpus DIR [--truncations N] [--flips N] [--resealed N] [--seed S]
//
// For the single-file sweep file (DIR/file/base.mmg) and for shard 0 of the 2-shard one
// (DIR/dataset/base-0-of-2.mmg): every truncation at a section boundary, then N seeded other
// truncations, N seeded bit flips and N seeded resealed flips, each as DIR/copies/<name>.mmg.
// DIR/manifest.tsv lists them, one a line after a header:
//   copy  kind  damage  base  companions
// where kind is truncate, flip or resealed_flip, damage says what changed ("bit 3 of byte 77"),
// base is the intact file it was made from, and companions the intact shards to open it with
// (space-separated, empty for a single file). Paths are relative to DIR.
// Exit status: 0 done, 1 failed (the reason on stderr), 2 bad usage.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/damage.hpp"
#include "support/random_graph.hpp"

namespace {

namespace fs = std::filesystem;
using mmgraph::test::Damage;

struct Options {
    fs::path dir;
    uint64_t truncations = 40, flips = 200, resealed = 300, seed = 1;
};

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        uint64_t* number = arg == "--truncations" ? &o.truncations
                           : arg == "--flips"     ? &o.flips
                           : arg == "--resealed"  ? &o.resealed
                           : arg == "--seed"      ? &o.seed
                                                  : nullptr;
        if (number) {
            if (++i == argc) return false;
            char* end = nullptr;
            *number = std::strtoull(argv[i], &end, 10);
            if (*end != '\0' || end == argv[i]) return false;
        } else if (o.dir.empty() && !arg.starts_with("-")) {
            o.dir = arg;
        } else {
            return false;
        }
    }
    return !o.dir.empty();
}

// `n` of `all`, chosen with `seed`, in their original order.
std::vector<Damage> sample(std::vector<Damage> all, uint64_t n, uint64_t seed) {
    if (n >= all.size()) return all;
    std::vector<size_t> order(all.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    order.resize(n);
    std::sort(order.begin(), order.end());
    std::vector<Damage> out;
    for (size_t i : order) out.push_back(all[i]);
    return out;
}

// The damage done to one sweep file: its section boundaries, then the seeded samples.
std::vector<Damage> damages(const fs::path& base, const Options& o, uint64_t seed) {
    auto file = mmgraph::File::open(base);
    std::vector<Damage> out = mmgraph::test::boundary_truncations(*file);
    auto add = [&out](const std::vector<Damage>& more) { out.insert(out.end(), more.begin(), more.end()); };
    add(sample(mmgraph::test::every_truncation(file->file_size()), o.truncations, seed));
    add(mmgraph::test::bit_flips(file->file_size(), 0, o.flips, seed + 1));
    add(mmgraph::test::resealed_flips(*file, o.resealed, seed + 2));
    return out;
}

// Writes the copies of one base file and their manifest lines.
void write_copies(const Options& o, const std::string& name, const fs::path& base, const std::vector<fs::path>& companions,
                  uint64_t seed, std::ofstream& manifest) {
    const std::vector<uint8_t> good = mmgraph::test::read_bytes(base);
    std::string with;
    for (const auto& c : companions) with += (with.empty() ? "" : " ") + fs::relative(c, o.dir).string();
    const std::vector<Damage> all = damages(base, o, seed);
    for (size_t i = 0; i < all.size(); ++i) {
        char file[64];
        std::snprintf(file, sizeof file, "copies/%s-%05zu.mmg", name.c_str(), i);
        mmgraph::test::write_bytes(o.dir / file, all[i].apply(good));
        manifest << file << '\t' << all[i].kind_name() << '\t' << all[i].describe() << '\t' << fs::relative(base, o.dir).string() << '\t'
                 << with << '\n';
    }
}

void run(const Options& o) {
    for (const char* sub : {"file", "dataset", "copies"}) fs::create_directories(o.dir / sub);
    std::ofstream manifest(o.dir / "manifest.tsv", std::ios::trunc);
    manifest << "copy\tkind\tdamage\tbase\tcompanions\n";
    const fs::path single = mmgraph::test::sweep_file(o.dir / "file", 1);
    write_copies(o, "file", single, {}, o.seed, manifest);
    const fs::path shard0 = mmgraph::test::sweep_file(o.dir / "dataset", 2);
    write_copies(o, "shard", shard0, {o.dir / "dataset" / "base-1-of-2.mmg"}, o.seed + 100, manifest);
    manifest.close();
    if (!manifest) throw std::runtime_error("cannot write " + (o.dir / "manifest.tsv").string());
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr, "usage: damaged_corpus DIR [--truncations N] [--flips N] [--resealed N] [--seed S]\n");
        return 2;
    }
    try {
        run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "damaged_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
