// Two pieces of work at once: the whole-graph arrays and the batch endpoint lookups split their
// work in two halves.
#pragma once

#include <exception>
#include <thread>

namespace mmgraph::python {

// Runs first() here and, when `split`, second() on a thread of its own; the first failure is
// rethrown once both are done.
template <typename First, typename Second>
void in_parallel(bool split, First&& first, Second&& second) {
    if (!split) {
        first();
        second();
        return;
    }
    std::exception_ptr failure;
    std::thread other([&] {
        try {
            second();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    try {
        first();
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace mmgraph::python
