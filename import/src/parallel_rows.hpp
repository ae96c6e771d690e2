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
// line of a chunk's first byte is 1 + the LFs before it. Each worker counts its chunk's LFs
// before parsing it and takes the running sum of the chunks before.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "mmgraph/import/input.hpp"

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
          slots_(2 * workers + 2),
          line_breaks_(chunks_, kUncounted),
          first_line_(chunks_ + 1, 0),
          position_(begin) {
        first_line_[0] = first_line;
        for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    }

    ~ParallelRows() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        for (auto& t : threads_) t.join();
    }

    ParallelRows(const ParallelRows&) = delete;
    ParallelRows& operator=(const ParallelRows&) = delete;

    // The next chunk's rows in file order, or nullptr after the last. Valid until the next call.
    // Rethrows what a worker's parse threw for that chunk.
    Result* next() {
        if (handed_ > 0) release(handed_ - 1);
        while (handed_ < chunks_) {
            const uint64_t k = handed_++;
            Slot& slot = slots_[k % slots_.size()];
            {
                std::unique_lock lock(mutex_);
                while (slot.ready_chunk != k) {
                    if (claimable()) {  // help rather than wait
                        const uint64_t c = claimed_++;
                        lock.unlock();
                        if (!run(c)) return nullptr;  // not reached: only the destructor stops
                        lock.lock();
                        continue;
                    }
                    changed_.wait(lock);
                }
            }
            if (slot.failure) std::rethrow_exception(slot.failure);
            if (slot.bounds.begin != position_) {
                // The cut fell inside a record, which the previous chunk read to its end.
                if (position_ >= slot.bounds.end) {  // it swallowed this whole chunk
                    release(k);
                    continue;
                }
                const char* base = input_.begin();
                ChunkBounds bounds{position_, slot.bounds.end,
                                   slot.bounds.first_line + count_line_breaks(base + slot.bounds.begin, base + position_)};
                slot.end = parse_(bounds, slot.result);
                slot.bounds = bounds;
            }
            position_ = slot.end;
            return &slot.result;
        }
        return nullptr;
    }

    // Just past the records handed out so far.
    uint64_t offset() const { return position_; }

private:
    static constexpr uint64_t kUncounted = UINT64_MAX;
    static constexpr uint64_t kNone = UINT64_MAX;

    struct Slot {
        uint64_t ready_chunk = kNone;  // the chunk whose rows it holds, once parsed
        ChunkBounds bounds;
        uint64_t end = 0;
        std::exception_ptr failure;
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

    void release(uint64_t k) {
        {
            std::lock_guard lock(mutex_);
            slots_[k % slots_.size()].ready_chunk = kNone;
            slots_[k % slots_.size()].failure = nullptr;
            released_ = k + 1;
        }
        changed_.notify_all();
    }

    // A chunk can be taken once the consumer has released the chunk that used its slot before.
    bool claimable() const { return claimed_ < chunks_ && claimed_ < released_ + slots_.size(); }

    void work() {
        for (;;) {
            uint64_t k = 0;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return stop_ || claimed_ >= chunks_ || claimable(); });
                if (stop_ || claimed_ >= chunks_) return;
                k = claimed_++;
            }
            if (!run(k)) return;
        }
    }

    // Parses claimed chunk k into its slot; false when stopped first.
    bool run(uint64_t k) {
        ChunkBounds bounds{cut(k), cut(k + 1), 0};
        const uint64_t breaks = count_line_breaks(input_.begin() + bounds.begin, input_.begin() + bounds.end);
        {
            std::unique_lock lock(mutex_);
            line_breaks_[k] = breaks;
            while (known_ < chunks_ && line_breaks_[known_] != kUncounted) {
                first_line_[known_ + 1] = first_line_[known_] + line_breaks_[known_];
                ++known_;
            }
            changed_.notify_all();
            // Earlier chunks were claimed first, and counting never waits: this ends.
            changed_.wait(lock, [&] { return stop_ || known_ >= k; });
            if (stop_) return false;
            bounds.first_line = first_line_[k];
        }
        Slot& slot = slots_[k % slots_.size()];  // ours alone until marked ready
        slot.bounds = bounds;
        try {
            slot.end = parse_(bounds, slot.result);
        } catch (...) {
            slot.failure = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            slot.ready_chunk = k;
        }
        changed_.notify_all();
        return true;
    }

    const InputBuffer& input_;
    const uint64_t begin_;
    const uint64_t chunk_bytes_;
    const uint64_t chunks_;
    const Parse parse_;
    std::vector<Slot> slots_;

    std::mutex mutex_;
    std::condition_variable changed_;
    bool stop_ = false;
    uint64_t claimed_ = 0;              // chunks taken by workers
    uint64_t released_ = 0;             // chunks the consumer is done with
    std::vector<uint64_t> line_breaks_;  // per chunk, once counted
    std::vector<uint64_t> first_line_;   // per chunk, known for [0, known_]
    uint64_t known_ = 0;

    uint64_t handed_ = 0;  // consumer only
    uint64_t position_;    // consumer only
    std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace mmgraph::importer
