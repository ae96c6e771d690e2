// Parsing the rows of an input file (CSV, edge list) on several threads while one thread
// consumes them in file order (the Writer is single-threaded; tokenizing, value parsing and key
// lookups are not).
//
// The body is cut into chunks of about `chunk_bytes`, each starting just after a line break.
// A cut is a guess: a line break inside a quoted CSV field is not a record boundary. So each
// chunk reports where its last record really ended, and when the next chunk does not start
// exactly there, its results are dropped and the consuming thread parses it again from the right
// place. The output is therefore the same as one reader's from start to end, whatever the chunk
// size.
//
// Line numbers (for messages) stay exact: the readers count every LF, inside quotes too, so the
// line of a chunk's first byte is 1 + the LFs before it. Each producer counts its chunk's LFs
// before parsing it and takes the running sum of the chunks before.
//
// Threads, the order of hand-over and the bound on chunks in flight are OrderedPipeline's
// (parallel/); this file adds the cuts, the line counts and the re-parse of a wrong cut.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "mmgraph/import/input.hpp"
#include "mmgraph/parallel/ordered_pipeline.hpp"

namespace mmgraph::importer {

// Where a chunk's records are read: those that start in [begin, end), the first on first_line.
struct ChunkBounds {
    uint64_t begin = 0;
    uint64_t end = 0;
    uint64_t first_line = 1;
};

template <typename Result>
class ParallelRows {
public:
    // parse(bounds, result) fills `result` (left as the previous chunk in that slot had it) from
    // the records starting in [bounds.begin, bounds.end) and returns the offset just past the
    // last of them: bounds.end when the chunk ends on a record boundary, more when the last
    // record runs on. It runs on worker threads, several at once, and on the consuming thread.
    using Parse = std::function<uint64_t(const ChunkBounds&, Result&)>;

    // The body is input[begin, size), its first byte on line `first_line`. `workers` threads
    // parse ahead; the consuming thread parses too whenever the next chunk is not ready (with
    // no workers it parses every chunk itself, in order).
    ParallelRows(const InputBuffer& input, uint64_t begin, uint64_t first_line, unsigned workers, uint64_t chunk_bytes, Parse parse)
        : input_(input),
          begin_(begin),
          chunk_bytes_(std::max<uint64_t>(1, chunk_bytes)),
          chunks_(begin >= input.size() ? 0 : (input.size() - begin + chunk_bytes_ - 1) / chunk_bytes_),
          parse_(std::move(parse)),
          line_breaks_(chunks_, kUncounted),
          first_line_(chunks_ + 1, first_line),  // [0] is the one that counts
          position_(begin),
          pipeline_(chunks_, {workers, 2 * size_t{workers} + 2, /*consumer_helps=*/true},
                    [this](size_t k, Slot& slot) { produce(k, slot); }) {}

    // Wakes producers waiting for line counts that will not come; pipeline_, the last member,
    // is destroyed first and joins its workers.
    ~ParallelRows() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        counted_.notify_all();
    }

    ParallelRows(const ParallelRows&) = delete;
    ParallelRows& operator=(const ParallelRows&) = delete;

    // The next chunk's rows in file order, or nullptr after the last. Valid until the next call.
    // Throws what parsing that chunk from where its first record really starts throws.
    Result* next() {
        while (Slot* slot = pipeline_.next()) {  // releases the slot handed out before
            if (slot->bounds.begin != position_) {
                // The cut fell inside a record, which the previous chunk read to its end. What
                // the speculative parse threw is not the input's error: it read from a wrong place.
                slot->failure = nullptr;
                if (position_ >= slot->bounds.end) continue;  // it swallowed this whole chunk
                const char* base = input_.begin();
                ChunkBounds bounds{position_, slot->bounds.end,
                                   slot->bounds.first_line + count_line_breaks(base + slot->bounds.begin, base + position_)};
                slot->end = parse_(bounds, slot->result);
                slot->bounds = bounds;
            }
            if (slot->failure) std::rethrow_exception(std::exchange(slot->failure, nullptr));
            position_ = slot->end;
            return &slot->result;
        }
        return nullptr;
    }

    // Just past the records handed out so far.
    uint64_t offset() const { return position_; }

private:
    static constexpr uint64_t kUncounted = UINT64_MAX;

    struct Slot {
        ChunkBounds bounds;
        uint64_t end = 0;
        std::exception_ptr failure;  // what the parse threw; kept here, the pipeline would stop
        Result result;
    };

    // Where chunk k's records start: just after the first LF at or after its nominal start.
    uint64_t cut(uint64_t k) const {
        if (k == 0) return begin_;
        if (k >= chunks_) return input_.size();
        const char* from = input_.begin() + begin_ + k * chunk_bytes_ - 1;  // an LF just before the start counts
        auto* lf = static_cast<const char*>(std::memchr(from, '\n', static_cast<size_t>(input_.end() - from)));
        return lf ? static_cast<uint64_t>(lf + 1 - input_.begin()) : input_.size();
    }

    // Chunk k, speculatively from its cut: counts its line breaks, waits for the chunks before
    // to be counted (its first line), and parses it. Never throws: a failure may be a wrong
    // cut's, which only the consumer can tell, so it waits in the slot.
    void produce(uint64_t k, Slot& slot) {
        ChunkBounds bounds{cut(k), cut(k + 1), 0};
        const uint64_t breaks = count_line_breaks(input_.begin() + bounds.begin, input_.begin() + bounds.end);
        {
            std::unique_lock lock(mutex_);
            line_breaks_[k] = breaks;
            while (known_ < chunks_ && line_breaks_[known_] != kUncounted) {
                first_line_[known_ + 1] = first_line_[known_] + line_breaks_[known_];
                ++known_;
            }
            counted_.notify_all();
            // Earlier chunks were claimed first, and counting never waits: this ends.
            counted_.wait(lock, [&] { return stop_ || known_ >= k; });
            if (stop_) return;
            bounds.first_line = first_line_[k];
        }
        slot.bounds = bounds;
        slot.failure = nullptr;
        try {
            slot.end = parse_(bounds, slot.result);
        } catch (...) {
            slot.failure = std::current_exception();
        }
    }

    const InputBuffer& input_;
    const uint64_t begin_;
    const uint64_t chunk_bytes_;
    const uint64_t chunks_;
    const Parse parse_;

    std::mutex mutex_;  // guards the line counts
    std::condition_variable counted_;
    bool stop_ = false;
    std::vector<uint64_t> line_breaks_;  // per chunk, once counted
    std::vector<uint64_t> first_line_;   // per chunk, known for [0, known_]
    uint64_t known_ = 0;

    uint64_t position_;  // consumer only
    // Last: its workers start once everything above exists, and are joined before it goes.
    parallel::OrderedPipeline<Slot> pipeline_;
};

}  // namespace mmgraph::importer
