// mmgraph._native.import_csv: the importer that `mmgraph build` runs (import/), with its progress
// reported to a Python callable instead of stderr.
#include "binding.hpp"

#include "mmgraph/import.hpp"

namespace mmgraph::python {

namespace {

// Hands the importer's reports to a Python callable. The build runs with the GIL released; each
// report takes it back for the call, and an exception the callable raises ends the build (no
// output file is left).
class CallbackObserver : public importer::BuildObserver {
public:
    explicit CallbackObserver(py::object callback) : callback_(std::move(callback)) {}

    void progress(const importer::BuildProgress& p) override {
        py::gil_scoped_acquire gil;
        py::dict event;
        event["event"] = "progress";
        event["phase"] = p.phase;
        event["pass"] = p.pass;
        event["file"] = std::string(p.file);
        event["rows"] = p.rows;
        event["offset"] = p.offset;
        event["size"] = p.size;
        event["seconds"] = p.seconds;
        callback_(event);
    }
    void row_skipped(const Error& error, uint64_t skipped) override {
        py::gil_scoped_acquire gil;
        py::dict event;
        event["event"] = "skipped";
        event["message"] = std::string(error.what());
        event["skipped"] = skipped;
        if (const auto& where = error.location()) {
            event["file"] = where->path;
            event["line"] = where->line;
            event["column"] = where->column;
        }
        callback_(event);
    }
    void writing(const std::string& output, uint64_t vertices, uint64_t edges) override {
        py::gil_scoped_acquire gil;
        py::dict event;
        event["event"] = "writing";
        event["file"] = output;
        event["vertices"] = vertices;
        event["edges"] = edges;
        callback_(event);
    }

private:
    py::object callback_;
};

char one_character(const std::string& text, const char* what) {
    if (text.size() != 1) throw Error(ErrorKind::misuse, std::string(what) + " must be one character, got '" + text + "'");
    return text[0];
}

py::dict import_csv(const std::string& output, std::vector<std::string> nodes, std::vector<std::string> relationships,
                    std::vector<std::string> edgelists, unsigned threads, uint16_t shards, const std::string& delimiter,
                    const std::string& array_delimiter, bool skip_bad_rows, const std::optional<std::string>& id_type,
                    const std::string& temp_directory, const py::object& progress) {
    importer::BuildOptions options;
    options.output = output;
    options.nodes = std::move(nodes);
    options.relationships = std::move(relationships);
    options.edgelists = std::move(edgelists);
    options.threads = threads;
    options.shards = shards;
    options.delimiter = one_character(delimiter, "delimiter");
    options.array_delimiter = one_character(array_delimiter, "array_delimiter");
    options.skip_bad_rows = skip_bad_rows;
    options.temp_directory = temp_directory;
    if (id_type) {
        if (*id_type != "string" && *id_type != "integer")
            throw Error(ErrorKind::misuse, "id_type is 'string' or 'integer', got '" + *id_type + "'");
        options.id_type = *id_type == "integer" ? KeyType::int64 : KeyType::string;
    }
    std::optional<CallbackObserver> observer;
    if (!progress.is_none()) observer.emplace(progress);
    importer::BuildReport report;
    {
        py::gil_scoped_release release;
        report = importer::run_build(options, observer ? &*observer : nullptr);
    }
    py::dict out;
    py::list files;
    for (const auto& f : report.stats.files) files.append(f.string());
    out["files"] = files;
    out["vertices"] = report.stats.vertices;
    out["edges"] = report.stats.edges;
    out["bytes"] = report.stats.bytes;
    out["bad_rows"] = report.bad_rows;
    out["read_seconds"] = report.read_seconds;
    out["total_seconds"] = report.total_seconds;
    return out;
}

}  // namespace

void register_importer(py::module_& m) {
    m.def("_import_csv", &import_csv, py::arg("output"), py::arg("nodes"), py::arg("relationships"), py::arg("edgelists"),
          py::arg("threads"), py::arg("shards"), py::arg("delimiter"), py::arg("array_delimiter"), py::arg("skip_bad_rows"),
          py::arg("id_type"), py::arg("temp_directory"), py::arg("progress"),
          "Runs the importer of `mmgraph build`; see mmgraph.import_csv.");
}

}  // namespace mmgraph::python
