// Measuring: wall-clock timing with medians of repeats, child processes (fresh-process
// timings, page sharing), /proc readings, and running the mmgraph CLI.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mmgraph::bench {

double median(std::vector<double> values);

template <typename Fn>
double seconds_of(Fn&& fn) {
    auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A child process with its stdin and stdout on pipes.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    std::string read_line();  // throws when the child ends without a line
    int finish();             // closes its stdin, waits, returns its exit status

private:
    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string pending_;
};

// The path of this program, to start children of it.
std::string self_path();

struct Residency {
    uint64_t rss = 0, pss = 0;  // bytes
};
Residency residency_of(pid_t pid);  // from /proc/PID/smaps_rollup

// Writes 3 to /proc/sys/vm/drop_caches after sync; false when that is not permitted.
bool drop_page_cache();

// What `mmgraph build` prints in its summary (stderr).
struct BuildReport {
    double read = 0, plan = 0, encode = 0, commit = 0, total = 0;
    double peak_mib = 0;
    uint64_t bytes = 0, vertices = 0, edges = 0;
};
BuildReport run_build(const std::string& cli, const std::vector<std::string>& arguments);

// lscpu's model line, core count, memory total and kernel, for the results.
std::string describe_machine();

uint64_t file_bytes(const std::filesystem::path& path);

}  // namespace mmgraph::bench
