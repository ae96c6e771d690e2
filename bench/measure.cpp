#include "measure.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mmgraph/error.hpp"

namespace mmgraph::bench {

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

Child::Child(const std::vector<std::string>& argv) {
    // Close-on-exec: a later child must not inherit this child's stdin, or closing ours would
    // never reach it as end of file.
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw Error(ErrorKind::io, "pipe: " + std::string(std::strerror(errno)));
    pid_ = ::fork();
    if (pid_ < 0) throw Error(ErrorKind::io, "fork: " + std::string(std::strerror(errno)));
    if (pid_ == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::close(in[0]);
        ::close(in[1]);
        ::close(out[0]);
        ::close(out[1]);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        std::fprintf(stderr, "bench: cannot run %s: %s\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
}

Child::~Child() {
    if (pid_ > 0) finish();
}

std::string Child::read_line() {
    for (;;) {
        size_t nl = pending_.find('\n');
        if (nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        char buffer[4096];
        ssize_t n = ::read(from_child_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(ErrorKind::io, "child " + std::to_string(pid_) + " ended without answering");
        pending_.append(buffer, static_cast<size_t>(n));
    }
}

int Child::finish() {
    if (to_child_ >= 0) ::close(to_child_);
    if (from_child_ >= 0) ::close(from_child_);
    to_child_ = from_child_ = -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string self_path() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

Residency residency_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    if (!in) throw Error(ErrorKind::io, "cannot read /proc/" + std::to_string(pid) + "/smaps_rollup");
    Residency r;
    unsigned long long kib = 0;
    for (std::string line; std::getline(in, line);) {  // the first line names the range
        if (std::sscanf(line.c_str(), "Rss: %llu kB", &kib) == 1) r.rss = kib * 1024;
        if (std::sscanf(line.c_str(), "Pss: %llu kB", &kib) == 1) r.pss = kib * 1024;
    }
    if (r.rss == 0) throw Error(ErrorKind::io, "/proc/" + std::to_string(pid) + "/smaps_rollup: no Rss line");
    return r;
}

bool drop_page_cache() {
    ::sync();
    std::FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
    if (!f) return false;
    bool ok = std::fputs("3\n", f) >= 0;
    ok = std::fclose(f) == 0 && ok;
    return ok;
}

namespace {
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
}  // namespace

BuildReport run_build(const std::string& cli, const std::vector<std::string>& arguments) {
    std::string command = shell_quote(cli) + " build --quiet";
    for (const std::string& a : arguments) command += " " + shell_quote(a);
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) throw Error(ErrorKind::io, "cannot run " + command);
    std::string output;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    int status = ::pclose(pipe);
    if (status != 0) throw Error(ErrorKind::io, command + " failed:\n" + output);
    BuildReport r;
    bool timed = false;  // tiny builds print "total 0.00": look for the line, not a value
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        unsigned long long count = 0;
        if (std::sscanf(line.c_str(), " seconds read %lf, plan %lf, encode %lf, commit %lf, total %lf", &r.read, &r.plan,
                        &r.encode, &r.commit, &r.total) == 5) {
            timed = true;
            continue;
        }
        if (std::sscanf(line.c_str(), " peak memory %lf MiB", &r.peak_mib) == 1) continue;
        if (std::sscanf(line.c_str(), " bytes %llu", &count) == 1) r.bytes = count;
        if (std::sscanf(line.c_str(), " vertices %llu", &count) == 1) r.vertices = count;
        if (std::sscanf(line.c_str(), " edges %llu", &count) == 1) r.edges = count;
    }
    if (!timed || r.bytes == 0) throw Error(ErrorKind::io, command + ": no summary in its output:\n" + output);
    return r;
}

std::string describe_machine() {
    std::string model = "unknown CPU";
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    uint64_t mem_kib = 0;
    std::ifstream mem("/proc/meminfo");
    for (std::string line; std::getline(mem, line);)
        if (std::sscanf(line.c_str(), "MemTotal: %lu kB", &mem_kib) == 1) break;
    struct utsname u {};
    ::uname(&u);
    char text[512];
    std::snprintf(text, sizeof text, "%s, %ld logical CPUs, %.1f GiB RAM, Linux %s", model.c_str(), ::sysconf(_SC_NPROCESSORS_ONLN),
                  static_cast<double>(mem_kib) / (1024.0 * 1024.0), u.release);
    return text;
}

uint64_t file_bytes(const std::filesystem::path& path) { return std::filesystem::file_size(path); }

}  // namespace mmgraph::bench
