// A zone's POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0", the last line of a tzdata file), evaluated
// with date/tz's Posix::time_zone. Its header does not compile as C++20 (its name() meets
// std::chrono::hh_mm_ss), so posix_rules.cpp is compiled as C++17 behind this plain interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace mmgraph::importer {

class PosixRule {
public:
    // Throws std::exception for a rule the library cannot read.
    explicit PosixRule(const std::string& rule);
    ~PosixRule();
    PosixRule(PosixRule&&) noexcept;
    PosixRule& operator=(PosixRule&&) noexcept;
    // Seconds east of UTC at a UTC second.
    int32_t offset_at(int64_t utc_seconds) const;
    // The offset of a wall-clock second: its only one, the earlier of two (an ambiguous time), or
    // the one before a gap (a time that does not exist).
    int32_t first_offset_of_local(int64_t local_seconds) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mmgraph::importer
