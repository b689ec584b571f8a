// A bounded FIFO between two pipeline stages, with the two backpressure policies a stage input
// can have: kKeepLatest (live sensors: a full queue drops its OLDEST item, which the caller gets
// back to count) and kBlock (files, bags: the producer waits for room). Closing lets the consumer
// drain what is queued; nothing is ever discarded without being handed back to the caller.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace fovea::pipeline {

enum class QueuePolicy { kKeepLatest, kBlock };

std::string_view queue_policy_name(QueuePolicy policy);  // "keep_latest" / "block"
Result<QueuePolicy> parse_queue_policy(std::string_view name);

// What happened to a pushed item.
template <typename T>
struct PushOutcome {
  bool accepted = false;      // false only after close(): the item is in `rejected`
  std::optional<T> evicted;   // kKeepLatest on a full queue: the oldest item, dropped
  std::optional<T> rejected;  // the pushed item itself, when not accepted
};

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(size_t capacity, QueuePolicy policy) : capacity_(capacity < 1 ? 1 : capacity), policy_(policy) {}

  PushOutcome<T> push(T item) {
    PushOutcome<T> out;
    std::unique_lock lock(mutex_);
    if (policy_ == QueuePolicy::kBlock)
      space_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) {
      out.rejected = std::move(item);
      return out;
    }
    if (items_.size() >= capacity_) {  // kKeepLatest
      out.evicted = std::move(items_.front());
      items_.pop_front();
    }
    items_.push_back(std::move(item));
    out.accepted = true;
    lock.unlock();
    ready_.notify_one();
    return out;
  }

  // The next item; nullopt once the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take_front(lock);
  }

  // Like pop() but gives up after `timeout` (nullopt, with closed() telling the two apart).
  std::optional<T> pop_for(std::chrono::microseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    return take_front(lock);
  }

  // No more pushes (blocked producers return rejected); queued items still come out.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
  }

  // close() and hand back everything still queued (for counting as shutdown drops).
  std::vector<T> close_and_take_all() {
    std::vector<T> taken;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      for (T& item : items_) taken.push_back(std::move(item));
      items_.clear();
    }
    ready_.notify_all();
    space_.notify_all();
    return taken;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  size_t capacity() const { return capacity_; }
  QueuePolicy policy() const { return policy_; }

 private:
  std::optional<T> take_front(std::unique_lock<std::mutex>& lock) {
    if (items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front()));
    items_.pop_front();
    lock.unlock();
    space_.notify_one();
    return item;
  }

  const size_t capacity_;
  const QueuePolicy policy_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace fovea::pipeline
