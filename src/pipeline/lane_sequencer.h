// Puts results back in each lane's order. Several model instances run batches concurrently, so
// a lane's tickets (handed out in order by the DynamicBatcher) can complete out of order; the
// sequencer holds early ones until every earlier ticket has completed, then emits them in ticket
// order. A ticket whose frame was dropped completes with no item so later ones are not held up.
// Emission happens under the sequencer's lock, which is what keeps two workers from interleaving
// one lane's results; the emit callback may block (a full sink queue) without deadlock because
// sink threads never take this lock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace fovea::pipeline {

template <typename T>
class LaneSequencer {
 public:
  explicit LaneSequencer(size_t lanes) : lanes_(lanes) {}

  // Completes `ticket` of `lane` with `item` (nullopt: dropped) and calls emit(lane, T&&) for
  // every item that is now in order.
  template <typename Emit>
  void complete(size_t lane, uint64_t ticket, std::optional<T> item, Emit&& emit) {
    std::lock_guard lock(mutex_);
    Lane& l = lanes_[lane];
    l.waiting.emplace(ticket, std::move(item));
    for (auto it = l.waiting.begin(); it != l.waiting.end() && it->first == l.next; it = l.waiting.begin()) {
      std::optional<T> ready = std::move(it->second);
      l.waiting.erase(it);
      ++l.next;
      if (ready) emit(lane, std::move(*ready));
    }
  }

  // Items held back waiting for an earlier ticket (0 once everything completed).
  size_t held() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const Lane& l : lanes_) n += l.waiting.size();
    return n;
  }

 private:
  struct Lane {
    uint64_t next = 0;
    std::map<uint64_t, std::optional<T>> waiting;
  };
  mutable std::mutex mutex_;
  std::vector<Lane> lanes_;
};

}  // namespace fovea::pipeline
