// A warning that may fire once per frame at camera rates (a corrupt stream, a model rejecting
// frames, deadline misses) is logged at most once per interval; the next message says how many
// were suppressed in between, so the log stays readable and nothing is hidden.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/logging.h"

namespace fovea::pipeline {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::milliseconds interval = std::chrono::seconds(5)) : interval_(interval) {}

  // Logs `message` as a warning unless one was logged less than `interval` ago.
  void warn(const std::string& message) {
    std::unique_lock lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (logged_once_ && now - last_ < interval_) {
      ++suppressed_;
      return;
    }
    const uint64_t suppressed = suppressed_;
    suppressed_ = 0;
    last_ = now;
    logged_once_ = true;
    lock.unlock();
    if (suppressed > 0)
      log::warn("{} ({} similar messages suppressed)", message, suppressed);
    else
      log::warn("{}", message);
  }

 private:
  std::mutex mutex_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};
  bool logged_once_ = false;
  uint64_t suppressed_ = 0;
};

}  // namespace fovea::pipeline
