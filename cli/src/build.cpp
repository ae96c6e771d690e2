#include "build.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace mmgraph::cli {

namespace {

// Progress at most once a second per pass, the first ten skipped rows, and the "writing" line.
class BuildPrinter final : public importer::BuildObserver {
public:
    BuildPrinter(bool quiet, const std::string& report_file) : quiet_(quiet) {
        if (report_file.empty()) return;
        report_.reset(std::fopen(report_file.c_str(), "w"));
        if (!report_) throw Error::io(report_file + ": cannot create the report file: " + std::strerror(errno), errno);
    }

    void progress(const importer::BuildProgress& p) override {
        if (quiet_) return;
        if (p.pass != pass_) {
            pass_ = p.pass;
            last_ = 0;
        }
        if (p.seconds - last_ < 1.0) return;
        last_ = p.seconds;
        const double rate = static_cast<double>(p.rows) / std::max(1e-9, p.seconds);
        const std::string file(p.file);
        std::fprintf(stderr, "mmgraph: %s %s: %llu rows (%.0f%%), %.2fM rows/s\n", p.phase, file.c_str(),
                     static_cast<unsigned long long>(p.rows),
                     p.size ? 100.0 * static_cast<double>(p.offset) / static_cast<double>(p.size) : 100.0, rate / 1e6);
    }

    void row_skipped(const Error& error, uint64_t skipped) override {
        if (report_ && std::fprintf(report_.get(), "%s\n", error.what()) < 0)
            throw Error::io("cannot write the report file: " + std::string(std::strerror(errno)), errno);
        constexpr uint64_t kShown = 10;
        if (skipped <= kShown) std::fprintf(stderr, "mmgraph: %s (row skipped)\n", error.what());
        else if (skipped == kShown + 1) std::fprintf(stderr, "mmgraph: further bad rows are skipped without a message\n");
    }

    void writing(const std::string& output, uint64_t vertices, uint64_t edges) override {
        if (quiet_) return;
        const std::string line = "writing " + output + ": " + std::to_string(vertices) + " vertices, " + std::to_string(edges) + " edges";
        std::fprintf(stderr, "mmgraph: %s\n", line.c_str());
    }

    void close_report() {
        if (report_ && std::fclose(report_.release()) != 0)
            throw Error::io("cannot write the report file: " + std::string(std::strerror(errno)), errno);
    }

private:
    struct Close {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    bool quiet_;
    std::unique_ptr<std::FILE, Close> report_;
    uint64_t pass_ = 0;
    double last_ = 0;  // seconds into the pass of the last line printed
};

void print_summary(const importer::BuildReport& report, bool skip_bad_rows) {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    const WriteStats& stats = report.stats;
    std::string files;
    for (const auto& f : stats.files) files += (files.empty() ? "" : ", ") + f.string();
    std::fprintf(stderr, "mmgraph: wrote %s\n", files.c_str());
    std::fprintf(stderr, "  vertices     %llu\n", static_cast<unsigned long long>(stats.vertices));
    std::fprintf(stderr, "  edges        %llu\n", static_cast<unsigned long long>(stats.edges));
    std::fprintf(stderr, "  bytes        %llu", static_cast<unsigned long long>(stats.bytes));
    if (stats.edges) std::fprintf(stderr, " (%.2f per edge)", static_cast<double>(stats.bytes) / static_cast<double>(stats.edges));
    std::fprintf(stderr, "\n  node types   %u\n", stats.node_types);
    if (skip_bad_rows) std::fprintf(stderr, "  bad rows     %llu skipped\n", static_cast<unsigned long long>(report.bad_rows));
    std::fprintf(stderr, "  seconds      read %.2f, plan %.2f, encode %.2f, commit %.2f, total %.2f\n", report.read_seconds,
                 stats.plan_seconds, stats.encode_seconds, stats.commit_seconds, report.total_seconds);
    std::fprintf(stderr, "  peak memory  %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);  // ru_maxrss is in KiB
}

}  // namespace

void run_build(const importer::BuildOptions& options, bool quiet, const std::string& report_file) {
    BuildPrinter printer(quiet, report_file);
    const importer::BuildReport report = importer::run_build(options, &printer);
    printer.close_report();
    print_summary(report, options.skip_bad_rows || options.skip_duplicate_nodes || options.skip_bad_relationships);
}

}  // namespace mmgraph::cli
