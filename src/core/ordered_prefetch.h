// Work ahead of a consumer on a few threads, handed over in order: produce(0), produce(1), ... run on `workers`
// threads while the caller consumes earlier items, at most `lookahead` items ahead (bounded memory). Used to decode
// images while the main thread runs inference.
//
//   OrderedPrefetch<cv::Mat> images(paths.size(), 1, 8, [&](std::size_t i) { return load_image(paths[i]).rgb; });
//   for (std::size_t i = 0; i < paths.size(); ++i) infer(images.next());   // item i, in order
//
// An exception thrown by produce(i) is rethrown by the next() call that would return item i, so errors surface in
// order, on the consumer's thread. Destroying the object stops the workers after their current item (items not yet
// consumed are dropped) and joins them. With workers = 0 every item is produced by next() itself.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.h"

namespace depthstyle {

template <typename T>
class OrderedPrefetch {
 public:
  OrderedPrefetch(std::size_t count, int workers, std::size_t lookahead, std::function<T(std::size_t)> produce)
      : count_(count), lookahead_(lookahead == 0 ? 1 : lookahead), produce_(std::move(produce)), slots_(lookahead_) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  ~OrderedPrefetch() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    space_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

  OrderedPrefetch(const OrderedPrefetch&) = delete;
  OrderedPrefetch& operator=(const OrderedPrefetch&) = delete;

  // The next item in index order; blocks until it is ready. Must not be called more than `count` times.
  T next() {
    DEPTHSTYLE_ASSERT(consumed_ < count_);
    if (threads_.empty()) return produce_(consumed_++);
    Slot& slot = slots_[consumed_ % lookahead_];
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return slot.ready; });
    std::optional<T> value = std::move(slot.value);
    const std::exception_ptr error = slot.error;
    slot = Slot();
    ++consumed_;
    lock.unlock();
    space_.notify_all();
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }

  std::size_t remaining() const { return count_ - consumed_; }

 private:
  struct Slot {
    bool ready = false;
    std::optional<T> value;
    std::exception_ptr error;
  };

  void work() {
    for (;;) {
      std::size_t index = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        // Claim the next index once it fits in the window ahead of the consumer.
        space_.wait(lock, [&] { return stopping_ || claimed_ >= count_ || claimed_ < consumed_ + lookahead_; });
        if (stopping_ || claimed_ >= count_) return;
        index = claimed_++;
      }
      Slot produced;
      try {
        produced.value.emplace(produce_(index));
      } catch (...) {
        produced.error = std::current_exception();
      }
      produced.ready = true;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        slots_[index % lookahead_] = std::move(produced);
      }
      ready_.notify_all();
    }
  }

  const std::size_t count_;
  const std::size_t lookahead_;
  std::function<T(std::size_t)> produce_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_;  // a slot became ready
  std::condition_variable space_;  // the consumer advanced, or stop
  std::size_t claimed_ = 0;        // next index a worker will take
  std::size_t consumed_ = 0;       // next index next() returns
  bool stopping_ = false;
};

}  // namespace depthstyle
