// Work whose heavy part is independent per item but whose results must be taken in order: the
// plan numbers property rows in stored order, while reading back and sorting each window of
// adjacency lists is independent of every other window.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mmgraph::detail {

template <typename Slot>
struct OrderedEntry {
    static constexpr size_t kNone = SIZE_MAX;
    Slot slot;
    size_t ready = kNone;  // the item it holds, once produced
    std::exception_ptr failure;
};

// Runs produce(i, slot) for every i in [0, count) on `threads` worker threads, and consume(i,
// slot) on the calling thread in order of i. A slot is reused once consumed, so at most
// threads + 1 items are produced ahead. With threads <= 1 both run on the calling thread. What
// produce throws is rethrown by the call when its item's turn comes.
template <typename Slot, typename Produce, typename Consume>
void ordered_parallel(size_t count, unsigned threads, Produce&& produce, Consume&& consume) {
    if (threads <= 1 || count <= 1) {
        Slot slot;
        for (size_t i = 0; i < count; ++i) {
            produce(i, slot);
            consume(i, slot);
        }
        return;
    }
    using Entry = OrderedEntry<Slot>;
    constexpr size_t kNone = Entry::kNone;
    std::vector<Entry> entries(size_t{threads} + 1);
    std::mutex mutex;
    std::condition_variable changed;
    size_t claimed = 0, consumed = 0;
    bool stop = false;

    auto work = [&] {
        for (;;) {
            size_t i = 0;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stop || claimed >= count || claimed < consumed + entries.size(); });
                if (stop || claimed >= count) return;
                i = claimed++;
            }
            Entry& entry = entries[i % entries.size()];  // ours until marked ready
            try {
                produce(i, entry.slot);
            } catch (...) {
                entry.failure = std::current_exception();
            }
            {
                std::lock_guard lock(mutex);
                entry.ready = i;
            }
            changed.notify_all();
        }
    };
    std::vector<std::jthread> workers;
    auto finish = [&] {  // also when consume throws
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        workers.clear();  // joins
    };
    for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);
    try {
        for (size_t i = 0; i < count; ++i) {
            Entry& entry = entries[i % entries.size()];
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return entry.ready == i; });
            }
            if (entry.failure) std::rethrow_exception(entry.failure);
            consume(i, entry.slot);
            {
                std::lock_guard lock(mutex);
                entry.ready = kNone;
                consumed = i + 1;
            }
            changed.notify_all();
        }
    } catch (...) {
        finish();
        throw;
    }
    finish();
}

}  // namespace mmgraph::detail
