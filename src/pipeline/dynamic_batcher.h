// The dynamic batcher in front of one model, with Triton's semantics (dynamic_batching in a
// Triton model config): requests from several inputs ("lanes", one per source) queue in arrival
// order; when a model instance asks for work (next_batch), the batcher
//   1. sends max_batch_size items at once if that many are pending;
//   2. else, with preferred batch sizes, sends the largest preferred size that can be formed now;
//   3. else, with max_queue_delay 0, sends everything pending;
//   4. else waits until the OLDEST pending item has waited max_queue_delay (or more arrive and
//      rule 1 or 2 applies), then sends everything pending.
// Items leave in arrival order across lanes, so each lane's order is kept, and every item gets a
// per-lane ticket (0, 1, 2, ... in dequeue order) that a LaneSequencer uses to put results back in
// order when several instances run batches concurrently.
//
// Each lane is a bounded input with its own backpressure policy (bounded_queue.h): kKeepLatest
// evicts the lane's oldest item (handed back to the caller to count as a queue_full drop), kBlock
// makes the producer wait. After close() pending items still come out (drain); abort() hands them
// back instead. Nothing leaves the batcher except through next_batch(), a push outcome or abort().
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "pipeline/bounded_queue.h"

namespace fovea::pipeline {

struct BatcherOptions {
  int max_batch_size = 1;
  std::chrono::microseconds max_queue_delay{0};
  std::vector<int> preferred_batch_sizes;  // each in [1, max_batch_size]; order does not matter
};

struct LaneOptions {
  size_t depth = 4;
  QueuePolicy policy = QueuePolicy::kBlock;
};

// Checks the options; errors name `what`.max_batch_size / .preferred_batch_sizes[i] / lane depth.
Status validate_batcher_options(const BatcherOptions& options, const std::string& what);

template <typename T>
class DynamicBatcher {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    T item;
    size_t lane = 0;
    uint64_t ticket = 0;  // per-lane dequeue order
    Clock::time_point enqueued;
  };

  DynamicBatcher(BatcherOptions options, std::vector<LaneOptions> lanes)
      : options_(std::move(options)), lane_options_(std::move(lanes)), lanes_(lane_options_.size()),
        next_ticket_(lane_options_.size(), 0) {
    if (options_.max_batch_size < 1) options_.max_batch_size = 1;
    std::sort(options_.preferred_batch_sizes.begin(), options_.preferred_batch_sizes.end());
    for (LaneOptions& lane : lane_options_) lane.depth = std::max<size_t>(lane.depth, 1);
  }

  size_t lane_count() const { return lanes_.size(); }
  const BatcherOptions& options() const { return options_; }

  // Queues `item` on `lane`. kBlock waits for room; kKeepLatest evicts the lane's oldest item.
  PushOutcome<T> push(size_t lane, T item) {
    PushOutcome<T> out;
    std::unique_lock lock(mutex_);
    const LaneOptions& opts = lane_options_[lane];
    if (opts.policy == QueuePolicy::kBlock)
      space_.wait(lock, [&] { return closed_ || lanes_[lane].size() < opts.depth; });
    if (closed_) {
      out.rejected = std::move(item);
      return out;
    }
    std::deque<Pending>& q = lanes_[lane];
    if (q.size() >= opts.depth) {
      out.evicted = std::move(q.front().item);
      q.pop_front();
      --pending_;
    }
    q.push_back(Pending{std::move(item), arrival_++, Clock::now()});
    ++pending_;
    out.accepted = true;
    lock.unlock();
    ready_.notify_all();
    return out;
  }

  // The next batch by the rules above; empty once closed and drained (or aborted).
  std::vector<Entry> next_batch() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (pending_ == 0) {
        if (closed_) return {};
        ready_.wait(lock);
        continue;
      }
      const size_t max = static_cast<size_t>(options_.max_batch_size);
      if (closed_ || pending_ >= max) return take(lock, std::min(pending_, max));
      const size_t preferred = largest_preferred_at_most(pending_);
      if (preferred > 0) return take(lock, preferred);
      if (options_.max_queue_delay.count() <= 0) return take(lock, pending_);
      const Clock::time_point due = oldest_enqueue_time() + options_.max_queue_delay;
      if (Clock::now() >= due) return take(lock, pending_);
      ready_.wait_until(lock, due);
    }
  }

  // No more pushes (blocked producers get their item back as rejected); pending items drain.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
  }

  // close() and hand back every pending item (the caller counts them as shutdown drops).
  std::vector<std::pair<size_t, T>> abort() {
    std::vector<std::pair<size_t, T>> taken;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      for (size_t lane = 0; lane < lanes_.size(); ++lane) {
        for (Pending& p : lanes_[lane]) taken.emplace_back(lane, std::move(p.item));
        lanes_[lane].clear();
      }
      pending_ = 0;
    }
    ready_.notify_all();
    space_.notify_all();
    return taken;
  }

  size_t depth(size_t lane) const {
    std::lock_guard lock(mutex_);
    return lanes_[lane].size();
  }
  size_t total_depth() const {
    std::lock_guard lock(mutex_);
    return pending_;
  }
  size_t lane_capacity(size_t lane) const { return lane_options_[lane].depth; }

 private:
  struct Pending {
    T item;
    uint64_t arrival = 0;
    Clock::time_point enqueued;
  };

  size_t largest_preferred_at_most(size_t n) const {
    size_t best = 0;
    for (int p : options_.preferred_batch_sizes)
      if (p >= 1 && static_cast<size_t>(p) <= n && static_cast<size_t>(p) <= static_cast<size_t>(options_.max_batch_size))
        best = static_cast<size_t>(p);
    return best;
  }

  Clock::time_point oldest_enqueue_time() const {
    Clock::time_point oldest = Clock::time_point::max();
    uint64_t oldest_arrival = UINT64_MAX;
    for (const std::deque<Pending>& q : lanes_)
      if (!q.empty() && q.front().arrival < oldest_arrival) {
        oldest_arrival = q.front().arrival;
        oldest = q.front().enqueued;
      }
    return oldest;
  }

  // Removes the `count` earliest arrivals across lanes (count <= pending_).
  std::vector<Entry> take(std::unique_lock<std::mutex>& lock, size_t count) {
    std::vector<Entry> batch;
    batch.reserve(count);
    while (batch.size() < count) {
      size_t best_lane = lanes_.size();
      uint64_t best_arrival = UINT64_MAX;
      for (size_t lane = 0; lane < lanes_.size(); ++lane)
        if (!lanes_[lane].empty() && lanes_[lane].front().arrival < best_arrival) {
          best_arrival = lanes_[lane].front().arrival;
          best_lane = lane;
        }
      Pending& p = lanes_[best_lane].front();
      batch.push_back(Entry{std::move(p.item), best_lane, next_ticket_[best_lane]++, p.enqueued});
      lanes_[best_lane].pop_front();
      --pending_;
    }
    lock.unlock();
    space_.notify_all();
    return batch;
  }

  BatcherOptions options_;
  std::vector<LaneOptions> lane_options_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::vector<std::deque<Pending>> lanes_;
  std::vector<uint64_t> next_ticket_;
  size_t pending_ = 0;
  uint64_t arrival_ = 0;
  bool closed_ = false;
};

}  // namespace fovea::pipeline
