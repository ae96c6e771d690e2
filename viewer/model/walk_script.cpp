#include "walk_script.hpp"

#include <charconv>

#include "byte_window.hpp"
#include "mmgraph/error.hpp"
#include "session.hpp"

namespace mmgraph::viewer {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::vector<WalkStep> parse_walk_script(std::string_view text) {
    std::vector<WalkStep> steps;
    int line_number = 0;
    while (!text.empty()) {
        size_t eol = text.find('\n');
        std::string_view line = trim(text.substr(0, eol));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') continue;
        size_t space = line.find_first_of(" \t");
        std::string_view word = line.substr(0, space);
        std::string_view argument = space == std::string_view::npos ? std::string_view() : trim(line.substr(space));
        auto fail = [&](const std::string& why) { throw Error("line " + std::to_string(line_number) + ": " + why, InputLocation{"", static_cast<uint64_t>(line_number), 0}); };
        WalkStep step;
        step.line = line_number;
        if (word == "back" || word == "forward") {
            if (!argument.empty()) fail("'" + std::string(word) + "' takes no argument");
            step.kind = word == "back" ? WalkStep::Kind::back : WalkStep::Kind::forward;
        } else if (word == "key") {
            if (argument.empty()) fail("'key' needs a key");
            step.kind = WalkStep::Kind::key;
            step.key = std::string(argument);
        } else if (word == "open") {
            if (argument.empty()) fail("'open' needs a file");
            step.kind = WalkStep::Kind::open;
            step.path = std::string(argument);
        } else if (word == "offset") {
            auto offset = parse_offset(argument);
            if (!offset) fail("'offset' needs a byte offset, decimal or 0x hex, not '" + std::string(argument) + "'");
            step.kind = WalkStep::Kind::offset;
            step.number = *offset;
        } else if (word == "index" || word == "out" || word == "in") {
            auto [end, ec] = std::from_chars(argument.data(), argument.data() + argument.size(), step.number);
            if (argument.empty() || ec != std::errc() || end != argument.data() + argument.size())
                fail("'" + std::string(word) + "' needs a non-negative integer, not '" + std::string(argument) + "'");
            step.kind = word == "index" ? WalkStep::Kind::index : word == "out" ? WalkStep::Kind::out : WalkStep::Kind::in;
        } else {
            fail("unknown step '" + std::string(word) + "' (expected key, index, out, in, back, forward, open or offset)");
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

void run_walk(Session& session, const std::vector<WalkStep>& steps) {
    for (const WalkStep& step : steps) {
        size_t errors_before = session.errors().size();
        bool moved = false;
        switch (step.kind) {
            case WalkStep::Kind::key: moved = session.go_key(step.key); break;
            case WalkStep::Kind::index: moved = session.go_index(step.number); break;
            case WalkStep::Kind::out: moved = session.follow(Direction::out, step.number); break;
            case WalkStep::Kind::in: moved = session.follow(Direction::in, step.number); break;
            case WalkStep::Kind::open: moved = session.open(step.path); break;
            case WalkStep::Kind::offset: moved = session.select_byte(step.number); break;
            case WalkStep::Kind::back:
                moved = session.back();
                if (!moved) session.add_error("nothing to go back to");
                break;
            case WalkStep::Kind::forward:
                moved = session.forward();
                if (!moved) session.add_error("nothing to go forward to");
                break;
        }
        if (!moved && session.errors().size() > errors_before) {
            // Name the script line on the message the step produced.
            std::string message = "walk line " + std::to_string(step.line) + ": " + session.errors().back();
            session.replace_last_error(std::move(message));
        }
    }
}

}  // namespace mmgraph::viewer
