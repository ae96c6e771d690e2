// parallel/: the ordered pipeline hands items out in order, keeps at most `window` of them in
// flight, and a failure on either side stops the other threads and reaches the caller.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mmgraph/parallel/ordered_pipeline.hpp"

using namespace mmgraph::parallel;

namespace {

// Sleeps a pseudo-random few microseconds, so that producers finish out of order.
void jitter(size_t item) { std::this_thread::sleep_for(std::chrono::microseconds((item * 7919) % 97)); }

struct Payload {
    size_t item = 0;
    std::vector<size_t> data;  // reused across the items of a slot
};

}  // namespace

TEST_CASE("items are consumed in order, whatever order they are produced in", "[parallel]") {
    for (unsigned workers : {0u, 1u, 2u, 7u}) {
        for (bool helps : {false, true}) {
            CAPTURE(workers, helps);
            std::vector<size_t> seen;
            ordered_parallel<Payload>(
                500, {workers, 0, helps},
                [](size_t i, Payload& p) {
                    jitter(i);
                    p.item = i;
                    p.data.assign(i % 5, i);
                },
                [&](size_t i, Payload& p) {
                    CHECK(p.item == i);
                    CHECK(p.data.size() == i % 5);
                    seen.push_back(i);
                });
            REQUIRE(seen.size() == 500);
            for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == i);
        }
    }
}

TEST_CASE("at most `window` items are produced and not yet released", "[parallel]") {
    for (size_t window : {1u, 2u, 5u}) {
        CAPTURE(window);
        std::atomic<int> in_flight{0}, most{0};
        OrderedPipeline<Payload> pipeline(200, {4, window, true}, [&](size_t i, Payload& p) {
            const int now = ++in_flight;
            for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
            }
            jitter(i);
            p.item = i;
        });
        size_t count = 0;
        while (Payload* p = pipeline.next()) {
            CHECK(p->item == count++);
            std::this_thread::sleep_for(std::chrono::microseconds(20));  // a slow consumer
            --in_flight;  // released by the next call
        }
        CHECK(count == 200);
        CHECK(most.load() <= static_cast<int>(window));
    }
}

TEST_CASE("zero items, and one thread", "[parallel]") {
    bool called = false;
    ordered_parallel<Payload>(0, {3, 0, true}, [&](size_t, Payload&) { called = true; }, [&](size_t, Payload&) { called = true; });
    CHECK_FALSE(called);
    OrderedPipeline<Payload> empty(0, {}, [](size_t, Payload&) {});
    CHECK(empty.next() == nullptr);
    CHECK(empty.next() == nullptr);

    // Without workers every item is produced on the calling thread, just before it is consumed.
    const auto caller = std::this_thread::get_id();
    std::vector<int> steps;
    ordered_parallel<Payload>(
        4, {0, 0, false},
        [&](size_t i, Payload&) {
            CHECK(std::this_thread::get_id() == caller);
            steps.push_back(static_cast<int>(i));
        },
        [&](size_t i, Payload&) { steps.push_back(-1 - static_cast<int>(i)); });
    CHECK(steps == std::vector<int>{0, -1, 1, -2, 2, -3, 3, -4});
}

TEST_CASE("a producer's failure reaches the consumer at its item's turn and stops the others", "[parallel]") {
    for (unsigned workers : {0u, 1u, 3u}) {
        CAPTURE(workers);
        std::atomic<size_t> produced{0};
        std::vector<size_t> consumed;
        auto run = [&] {
            ordered_parallel<Payload>(
                10'000, {workers, 4, true},
                [&](size_t i, Payload&) {
                    ++produced;
                    jitter(i);
                    if (i == 10) throw std::runtime_error("item 10");
                },
                [&](size_t i, Payload&) { consumed.push_back(i); });
        };
        CHECK_THROWS_WITH(run(), "item 10");
        CHECK(consumed.size() == 10);  // every item before the failed one
        CHECK(produced.load() <= 10 + 4 + workers);
    }
}

TEST_CASE("a consumer's failure stops the producers", "[parallel]") {
    std::atomic<size_t> produced{0};
    auto run = [&] {
        ordered_parallel<Payload>(
            10'000, {3, 4, false}, [&](size_t i, Payload&) { ++produced, jitter(i); },
            [&](size_t i, Payload&) {
                if (i == 5) throw std::logic_error("consumer");
            });
    };
    CHECK_THROWS_WITH(run(), "consumer");
    CHECK(produced.load() <= 5 + 4 + 3);
}

TEST_CASE("run_all runs every task once, and rethrows the first failure", "[parallel]") {
    for (unsigned threads : {1u, 2u, 4u}) {
        CAPTURE(threads);
        std::vector<std::atomic<int>> runs(300);
        std::vector<std::function<void()>> tasks;
        for (size_t i = 0; i < runs.size(); ++i) tasks.push_back([&runs, i] { jitter(i), ++runs[i]; });
        run_all(tasks, threads);
        CHECK(tasks.empty());
        for (auto& r : runs) CHECK(r.load() == 1);

        for (size_t i = 0; i < 50; ++i)
            tasks.push_back([i] {
                if (i == 20 || i == 30) throw std::runtime_error("task " + std::to_string(i));
            });
        CHECK_THROWS_WITH(run_all(tasks, threads), "task 20");
    }
}
