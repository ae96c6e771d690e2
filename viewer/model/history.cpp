#include "history.hpp"

namespace mmgraph::viewer {

void History::visit(uint32_t index) {
    if (!entries_.empty()) {
        if (entries_[position_] == index) return;  // revisiting the current vertex adds nothing
        entries_.resize(position_ + 1);
    }
    entries_.push_back(index);
    position_ = entries_.size() - 1;
}

bool History::back() {
    if (!can_back()) return false;
    --position_;
    return true;
}

bool History::forward() {
    if (!can_forward()) return false;
    ++position_;
    return true;
}

bool History::jump(size_t position) {
    if (position >= entries_.size()) return false;
    position_ = position;
    return true;
}

void History::clear() {
    entries_.clear();
    position_ = 0;
}

std::optional<uint32_t> History::current() const {
    if (entries_.empty()) return std::nullopt;
    return entries_[position_];
}

}  // namespace mmgraph::viewer
