// Work whose heavy part is independent per item but whose results are taken in order: windows
// of adjacency lists read back and sorted while the plan numbers them in stored order, chunks
// of an input file parsed while one thread feeds the rows to the Writer, encode tasks run while
// the calling thread waits for all of them.
//
// Items 0 .. count-1 are produced on worker threads (and on the consuming thread while it would
// otherwise wait) into a ring of `window` slots, and handed to the consumer in order. A slot is
// reused only once the consumer has released its item, so at most `window` items are produced
// and not yet released at any time, whatever the producers' speeds: memory stays bounded.
//
// Build-internal (not installed): writer/ and the importer share it.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mmgraph::parallel {

struct PipelineOptions {
    unsigned workers = 0;  // threads producing ahead of the consumer; 0: the consumer produces each item itself
    size_t window = 0;     // items produced and not yet released at once; 0: workers + 1
    // Whether the consumer, while its next item is not ready, produces the next unclaimed item
    // instead of waiting (always so without workers). Off when consuming is the bottleneck and
    // should start as soon as its item is ready.
    bool consumer_helps = true;
};

// Pull form: next() hands out the slots in item order.
template <typename Slot>
class OrderedPipeline {
public:
    // produce(item, slot) fills `slot` (as the previous item in that slot left it) for `item`. It
    // runs on several threads at once; items are claimed in increasing order, so a produce that
    // waits for an earlier item's produce to reach some point (not to finish) cannot deadlock,
    // as long as its wait also ends when its owner stops (before this pipeline is destroyed).
    using Produce = std::function<void(size_t item, Slot& slot)>;

    OrderedPipeline(size_t count, PipelineOptions options, Produce produce)
        : count_(count),
          limit_(count),
          helps_(options.consumer_helps || options.workers == 0),
          produce_(std::move(produce)),
          entries_(std::max<size_t>(1, options.window ? options.window : size_t{options.workers} + 1)) {
        const unsigned workers = static_cast<unsigned>(std::min<size_t>(options.workers, count));
        threads_.reserve(workers);
        for (unsigned t = 0; t < workers; ++t) threads_.emplace_back([this] { work(); });
    }

    // Stops claiming items, lets the items being produced finish, and joins the workers.
    ~OrderedPipeline() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        for (auto& t : threads_) t.join();
    }

    OrderedPipeline(const OrderedPipeline&) = delete;
    OrderedPipeline& operator=(const OrderedPipeline&) = delete;

    // The slot of the next item, valid until the next call (which releases it); nullptr after
    // the last item. Rethrows what produce threw for that item; the items after it are not
    // produced and the call after returns nullptr.
    Slot* next() {
        if (handed_ > 0 && handed_ <= count_) release(handed_ - 1);
        if (handed_ >= count_) return nullptr;
        const size_t item = handed_++;
        Entry& entry = entries_[item % entries_.size()];
        {
            std::unique_lock lock(mutex_);
            while (entry.ready != item) {
                if (helps_ && claimable()) {
                    const size_t claimed = claimed_++;
                    lock.unlock();
                    run(claimed);
                    lock.lock();
                    continue;
                }
                changed_.wait(lock);
            }
        }
        if (entry.failure) {
            handed_ = count_ + 1;  // nothing after a failure
            std::rethrow_exception(std::exchange(entry.failure, nullptr));
        }
        return &entry.slot;
    }

    // Items handed out so far.
    size_t handed() const { return std::min(handed_, count_); }

private:
    static constexpr size_t kNone = static_cast<size_t>(-1);

    struct Entry {
        Slot slot{};
        size_t ready = kNone;  // the item the slot holds, once produced
        std::exception_ptr failure;
    };

    // An item may be claimed once the consumer has released the item that used its slot before.
    bool claimable() const { return !stop_ && claimed_ < limit_ && claimed_ < released_ + entries_.size(); }

    void release(size_t item) {
        {
            std::lock_guard lock(mutex_);
            entries_[item % entries_.size()].ready = kNone;
            released_ = item + 1;
        }
        changed_.notify_all();
    }

    void work() {
        for (;;) {
            size_t item = 0;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return stop_ || claimed_ >= limit_ || claimable(); });
                if (stop_ || claimed_ >= limit_) return;
                item = claimed_++;
            }
            run(item);
        }
    }

    // Produces a claimed item into its slot, which is this thread's alone until marked ready.
    void run(size_t item) {
        Entry& entry = entries_[item % entries_.size()];
        try {
            produce_(item, entry.slot);
        } catch (...) {
            entry.failure = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            entry.ready = item;
            if (entry.failure) limit_ = std::min(limit_, item + 1);  // later items would never be consumed
        }
        changed_.notify_all();
    }

    const size_t count_;
    size_t limit_;  // items past a failed one are not claimed
    const bool helps_;
    const Produce produce_;
    std::vector<Entry> entries_;

    std::mutex mutex_;
    std::condition_variable changed_;
    bool stop_ = false;
    size_t claimed_ = 0;   // items taken by a producer
    size_t released_ = 0;  // items the consumer is done with
    size_t handed_ = 0;    // consumer only
    std::vector<std::thread> threads_;  // last: started once everything above exists
};

// Push form: consume(item, slot) runs on the calling thread in item order. What produce or
// consume throws stops the pipeline and is rethrown here.
template <typename Slot, typename Produce, typename Consume>
void ordered_parallel(size_t count, PipelineOptions options, Produce&& produce, Consume&& consume) {
    OrderedPipeline<Slot> pipeline(count, options, [&produce](size_t item, Slot& slot) { produce(item, slot); });
    for (size_t item = 0; Slot* slot = pipeline.next(); ++item) consume(item, *slot);
}

// Runs every task on `threads` worker threads and returns when all have run; the first failure
// in task order is rethrown, and tasks not yet started then never start. The calling thread only
// waits: the writer's encode tasks ran about 10% slower on it (one thread, an R-MAT edge list).
inline void run_all(std::vector<std::function<void()>>& tasks, unsigned threads) {
    struct Nothing {};
    ordered_parallel<Nothing>(tasks.size(), {std::max(threads, 1u), tasks.size(), false}, [&tasks](size_t i, Nothing&) { tasks[i](); },
                              [](size_t, Nothing&) {});
    tasks.clear();
}

}  // namespace mmgraph::parallel
