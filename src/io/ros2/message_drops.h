// Counts the messages a subscription could not use (bad image geometry, unknown encoding,
// undecodable compressed data) and logs why, at most once per interval, so a misbehaving
// publisher at 30 Hz neither crashes fovea nor floods its log.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/status.h"
#include "pipeline/rate_limited_log.h"

namespace fovea::io::ros2 {

class MessageDropCounter {
 public:
  explicit MessageDropCounter(std::string topic,
                              std::chrono::milliseconds log_interval = std::chrono::seconds(5));
  // Counts one dropped message and logs "ros2: dropped a message: <reason> (N dropped on
  // <topic> so far)", rate-limited.
  void record(const Status& reason);
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::string last_reason() const;
  const std::string& topic() const { return topic_; }

 private:
  std::string topic_;
  std::atomic<uint64_t> dropped_{0};
  pipeline::RateLimitedLog log_;
  mutable std::mutex mutex_;
  std::string last_reason_;
};

}  // namespace fovea::io::ros2
