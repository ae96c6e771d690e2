// An array of trivially copyable values that grows with realloc, for the writer's large staging
// arrays. glibc serves a large block with its own mapping and grows it with mremap, which moves
// pages instead of copying them: growing costs neither a copy of the contents nor page faults on
// fresh pages for them. std::vector's doubling does both; for the staged properties of a large
// import that was half the page faults of the whole build.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace mmgraph::detail {

template <typename T>
    requires std::is_trivially_copyable_v<T>
class GrowableArray {
public:
    GrowableArray() = default;
    GrowableArray(GrowableArray&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), capacity_(std::exchange(other.capacity_, 0)) {}
    GrowableArray& operator=(GrowableArray&& other) noexcept {
        if (this != &other) {
            std::free(data_);
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
            capacity_ = std::exchange(other.capacity_, 0);
        }
        return *this;
    }
    GrowableArray(const GrowableArray&) = delete;
    GrowableArray& operator=(const GrowableArray&) = delete;
    ~GrowableArray() { std::free(data_); }

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T* data() { return data_; }
    const T* data() const { return data_; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    T& operator[](size_t i) { return data_[i]; }
    const T& operator[](size_t i) const { return data_[i]; }
    T& back() { return data_[size_ - 1]; }
    const T& back() const { return data_[size_ - 1]; }

    void push_back(const T& value) {
        if (size_ == capacity_) grow(size_ + 1);
        data_[size_++] = value;
    }
    // Appends a value-initialized element and returns it.
    T& emplace_back() {
        push_back(T{});
        return back();
    }
    void append(const T* values, size_t count) {
        if (count == 0) return;
        if (capacity_ - size_ < count) grow(size_ + count);
        std::memcpy(data_ + size_, values, count * sizeof(T));
        size_ += count;
    }
    // append() of `count` <= N elements from a buffer of N: all N are copied when there is room
    // for them, a copy of fixed size, where one of `count` is a slow loop for a few bytes. Only
    // `count` join the array.
    template <size_t N>
    void append_from(const T (&values)[N], size_t count) {
        if (capacity_ - size_ < N) grow(size_ + N);
        std::memcpy(data_ + size_, values, N * sizeof(T));
        size_ += count;
    }
    void pop_back() { --size_; }
    // Shrinking keeps the storage; new elements are value-initialized.
    void resize(size_t size) {
        if (size > capacity_) grow(size);
        if (size > size_) std::fill(data_ + size_, data_ + size, T{});
        size_ = size;
    }
    void reserve(size_t capacity) {
        if (capacity > capacity_) grow(capacity);
    }
    void clear() { size_ = 0; }

private:
    void grow(size_t at_least) {
        const size_t capacity = std::max({at_least, capacity_ * 2, size_t{64} / sizeof(T) + 1});
        if (capacity > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
        void* moved = std::realloc(data_, capacity * sizeof(T));
        if (!moved) throw std::bad_alloc();
        data_ = static_cast<T*>(moved);
        capacity_ = capacity;
    }

    T* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace mmgraph::detail
