// Navigation history of the vertex walker: a browser-like list of visited vertices with a
// position; visiting from the middle drops the forward entries.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace mmgraph::viewer {

class History {
public:
    void visit(uint32_t index);
    bool back();     // false when already at the oldest entry
    bool forward();  // false when already at the newest entry
    bool can_back() const { return position_ > 0; }
    bool can_forward() const { return position_ + 1 < entries_.size(); }
    bool jump(size_t position);  // to a breadcrumb
    void clear();

    std::optional<uint32_t> current() const;
    const std::vector<uint32_t>& entries() const { return entries_; }  // oldest first
    size_t position() const { return position_; }

private:
    std::vector<uint32_t> entries_;
    size_t position_ = 0;
};

}  // namespace mmgraph::viewer
