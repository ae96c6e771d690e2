// Figure 7 (bench/README.md): the R-MAT vertex set (nodes.csv: int64 id, name, score, year)
// written four ways with the Writer, vertices only, one shard:
//   (a) one label, Person;  (b) every vertex Person + Actor, a label set of two (Actor has no
//   attributes, so the records are (a)'s and the difference is the set's bookkeeping);
//   (c) (a) plus an int64 attribute `since`;  (d) (a) plus `since` as a datetime (fixed offset).
// Each file's bytes per vertex, and the median ns of find(key) + the string attribute over
// seeded random keys, one key after the other (the files taking turns); ratios against (a),
// and (d) against (c). The files must agree on the keys found and the names read.
#include "labels_figure.hpp"

#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "measure.hpp"
#include "mmgraph/reader.hpp"
#include "mmgraph/writer.hpp"

namespace mmgraph::bench {

namespace fs = std::filesystem;

namespace {

struct NodeRows {
    std::vector<int64_t> ids;
    std::vector<std::string> names;
    std::vector<double> scores;
    std::vector<int64_t> years;
};

// The generator's own CSV: no quoting, five fields a row, the header first.
NodeRows read_nodes(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw Error(ErrorKind::io, path.string() + ": cannot read");
    NodeRows rows;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1), d = line.find(',', c + 1);
        if (d == std::string::npos) throw Error(ErrorKind::bad_input, path.string() + ": row of fewer than five fields: " + line);
        rows.ids.push_back(std::stoll(line.substr(0, a)));
        rows.names.push_back(line.substr(b + 1, c - b - 1));
        rows.scores.push_back(std::stod(line.substr(c + 1, d - c - 1)));
        rows.years.push_back(std::stoll(line.substr(d + 1)));
    }
    return rows;
}

enum class Variant { one_label, two_labels, int64_since, datetime_since };

// `since` of a vertex: a second of its year, so that the values differ as real ones do.
int64_t since_seconds(int64_t year, int64_t id) { return (year - 1970) * 31'556'952 + id % 31'556'952; }

uint64_t write_variant(const NodeRows& rows, Variant variant, const fs::path& path) {
    WriterOptions options;
    options.key_type = KeyType::int64;
    options.threads = 2;
    Writer w(options);
    std::vector<AttributeSpec> attributes{{"name", TypeCode::string}, {"score", TypeCode::float64}, {"year", TypeCode::int32}};
    if (variant == Variant::int64_since) attributes.push_back({"since", TypeCode::int64});
    if (variant == Variant::datetime_since) attributes.push_back({"since", TypeCode::datetime});
    const LabelId person = w.add_label("Person", attributes);
    const LabelId actor = w.add_label("Actor");
    const std::array<LabelId, 2> both{person, actor};
    std::vector<Key> keys(rows.ids.begin(), rows.ids.end());
    std::vector<Value> values(4);
    const auto row_values = [&](size_t r) {
        values[0] = Value(std::string_view(rows.names[r]));
        values[1] = Value(rows.scores[r]);
        values[2] = Value(rows.years[r]);
        const int64_t since = since_seconds(rows.years[r], rows.ids[r]);
        if (variant == Variant::int64_since) values[3] = Value(since);
        if (variant == Variant::datetime_since) values[3] = Value::datetime(DateTime{since, 0, 3600, 0});
        return std::span<const Value>(values.data(), attributes.size());
    };
    if (variant == Variant::two_labels) w.add_vertices(keys, both, row_values);
    else w.add_vertices(keys, person, row_values);
    return w.finish(path).bytes;
}

struct LookupTiming {
    double ns = 0;
    uint64_t found = 0, name_bytes = 0;
};

// The lookups of every file, the files taking turns within each repeat so that a load change
// on the shared machine falls on all of them alike; one untimed turn first warms the caches.
std::vector<LookupTiming> time_lookups(const std::vector<fs::path>& paths, const std::vector<int64_t>& keys, unsigned repeats) {
    std::vector<std::shared_ptr<const File>> files;
    for (const fs::path& path : paths) files.push_back(File::open(path));
    std::vector<LookupTiming> timings(files.size());
    std::vector<std::vector<double>> times(files.size());
    for (unsigned r = 0; r <= std::max(1u, repeats); ++r) {
        for (size_t f = 0; f < files.size(); ++f) {
            uint64_t found = 0, name_bytes = 0;
            const double seconds = seconds_of([&] {
                for (int64_t key : keys) {
                    if (auto v = files[f]->find(key)) {
                        ++found;
                        name_bytes += v->get(0).as_string().size();
                    }
                }
            });
            timings[f].found = found;
            timings[f].name_bytes = name_bytes;
            if (r > 0) times[f].push_back(seconds);
        }
    }
    for (size_t f = 0; f < files.size(); ++f) timings[f].ns = median(times[f]) * 1e9 / static_cast<double>(keys.size());
    return timings;
}

}  // namespace

Table label_cost_figure(const LabelCostOptions& options) {
    const NodeRows rows = read_nodes(options.nodes_csv);
    fs::create_directories(options.scratch);
    std::mt19937_64 rng(options.seed);
    std::vector<int64_t> keys(options.lookups);
    for (int64_t& k : keys) k = rows.ids[rng() % rows.ids.size()];

    struct Measured {
        std::string name;
        uint64_t bytes = 0;
        LookupTiming lookup;
    };
    const std::pair<Variant, const char*> variants[] = {{Variant::one_label, "(a) one label"},
                                                        {Variant::two_labels, "(b) two labels (Person + Actor)"},
                                                        {Variant::int64_since, "(c) (a) + int64 attribute"},
                                                        {Variant::datetime_since, "(d) (a) + datetime attribute"}};
    std::vector<Measured> measured;
    std::vector<fs::path> paths;
    for (const auto& [variant, name] : variants) {
        paths.push_back(options.scratch / ("labels-" + std::to_string(paths.size()) + ".mmg"));
        measured.push_back({name, write_variant(rows, variant, paths.back()), {}});
    }
    const std::vector<LookupTiming> timings = time_lookups(paths, keys, options.repeats);
    for (size_t i = 0; i < measured.size(); ++i) {
        measured[i].lookup = timings[i];
        if (timings[i].found != timings[0].found || timings[i].name_bytes != timings[0].name_bytes)
            throw Error(ErrorKind::bad_input, measured[i].name + ": found " + std::to_string(timings[i].found) + " keys with " +
                                                  std::to_string(timings[i].name_bytes) + " name bytes, (a) " +
                                                  std::to_string(timings[0].found) + " with " + std::to_string(timings[0].name_bytes));
    }
    const double n = static_cast<double>(rows.ids.size());
    Table t{{"vertices written", "file MiB", "B/vertex", "lookup ns", "B/vertex vs (a)", "lookup vs (a)", "B/vertex vs (c)", "lookup vs (c)"}, {}};
    for (size_t i = 0; i < measured.size(); ++i) {
        const Measured& m = measured[i];
        const bool against_int64 = i == 3;
        t.rows.push_back({m.name, mib(m.bytes), fixed(static_cast<double>(m.bytes) / n, 2), fixed(m.lookup.ns, 0),
                          ratio(static_cast<double>(m.bytes), static_cast<double>(measured[0].bytes)), ratio(m.lookup.ns, measured[0].lookup.ns),
                          against_int64 ? ratio(static_cast<double>(m.bytes), static_cast<double>(measured[2].bytes)) : "",
                          against_int64 ? ratio(m.lookup.ns, measured[2].lookup.ns) : ""});
    }
    fs::remove_all(options.scratch);
    return t;
}

}  // namespace mmgraph::bench
