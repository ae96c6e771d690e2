// Compiled as C++17: see posix_rules.hpp.
#include "posix_rules.hpp"

#include <date/ptz.h>

namespace mmgraph::importer {

struct PosixRule::Impl {
    Posix::time_zone zone;
};

PosixRule::PosixRule(const std::string& rule) : impl_(new Impl{Posix::time_zone(rule)}) {}
PosixRule::~PosixRule() = default;
PosixRule::PosixRule(PosixRule&&) noexcept = default;
PosixRule& PosixRule::operator=(PosixRule&&) noexcept = default;

int32_t PosixRule::offset_at(int64_t utc_seconds) const {
    return static_cast<int32_t>(impl_->zone.get_info(date::sys_seconds(std::chrono::seconds(utc_seconds))).offset.count());
}

int32_t PosixRule::first_offset_of_local(int64_t local_seconds) const {
    return static_cast<int32_t>(impl_->zone.get_info(date::local_seconds(std::chrono::seconds(local_seconds))).first.offset.count());
}

}  // namespace mmgraph::importer
