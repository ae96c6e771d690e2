// One computation on a worker thread with progress and cancel (the degree statistics, verify):
// the UI starts it, reads running() and progress() each frame and takes the result once, so a
// frame never waits for it. The thread runs only when a core is idle, so that on a machine with
// few cores the frames (and Mesa's rasterizer threads) come first.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace mmgraph::viewer {

template <typename Result>
class Background {
public:
    // Runs on the worker thread: polls `stop`, counts its work in `done` (of the `total` given to
    // start), and returns nullopt when stopped.
    using Task = std::function<std::optional<Result>(const std::atomic<bool>& stop, std::atomic<uint64_t>& done)>;

    Background() = default;
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    ~Background() { cancel(); }

    // Cancels what runs, then starts `task`.
    void start(Task task, uint64_t total) {
        cancel();
        total_ = total;
        done_ = 0;
        stop_ = false;
        running_ = true;
        thread_ = std::thread([this, task = std::move(task)] {
            // SCHED_IDLE: the worker runs only on a core that nothing else wants, so the frame
            // and Mesa's rasterizer threads never wait for it (a nice value alone still let
            // verify double the frame time on 2 cores). Where that is refused, a nice value.
            sched_param idle{};
            if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) != 0) setpriority(PRIO_PROCESS, 0, kNice);
            std::optional<Result> result = task(stop_, done_);
            if (result) {
                std::lock_guard lock(mutex_);
                result_ = std::move(result);
            }
            running_ = false;
        });
    }

    // Stops and joins; no result.
    void cancel() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        running_ = false;
        std::lock_guard lock(mutex_);
        result_.reset();
    }

    bool running() const { return running_.load(); }

    double progress() const {  // 0..1
        if (total_ == 0) return running_ ? 0.0 : 1.0;
        return static_cast<double>(done_.load()) / static_cast<double>(total_);
    }

    // The finished result, once: the caller keeps it.
    std::optional<Result> take() {
        std::lock_guard lock(mutex_);
        std::optional<Result> out = std::move(result_);
        result_.reset();
        return out;
    }

private:
    static constexpr int kNice = 10;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> done_{0};
    uint64_t total_ = 0;
    std::mutex mutex_;
    std::optional<Result> result_;
};

}  // namespace mmgraph::viewer
