// Walk scripts: one navigation step per line (`key K`, `index I`, `out N`, `in N`, `back`,
// `forward`, `open PATH`, `offset N`), blank lines and `#` comments ignored. Used by the
// headless mode and by tests. `open` is File > Open: a file that cannot be opened leaves the
// current one. `offset N` (decimal or 0x hex) selects a byte and names its owner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmgraph::viewer {

class Session;

struct WalkStep {
    enum class Kind { key, index, out, in, back, forward, open, offset };
    Kind kind = Kind::index;
    std::string key;      // for `key`
    std::string path;     // for `open`
    uint64_t number = 0;  // for `index`, `out`, `in`, `offset`
    int line = 0;
};

// Throws mmgraph::Error "line N: ..." on a malformed line.
std::vector<WalkStep> parse_walk_script(std::string_view text);

// Runs every step; a step that cannot be done (unknown key, position past the list) is recorded
// in the session's errors as "walk line N: ..." and the walk goes on from where it is.
void run_walk(Session& session, const std::vector<WalkStep>& steps);

}  // namespace mmgraph::viewer
