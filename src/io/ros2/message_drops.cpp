#include "io/ros2/message_drops.h"

namespace fovea::io::ros2 {

MessageDropCounter::MessageDropCounter(std::string topic, std::chrono::milliseconds log_interval)
    : topic_(std::move(topic)), log_(log_interval) {}

void MessageDropCounter::record(const Status& reason) {
  dropped_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    last_reason_ = reason.message();
  }
  log_.warn(fmt::format("ros2: dropped a message: {} ({} dropped on {} so far)", reason.message(), dropped(),
                        topic_));
}

std::string MessageDropCounter::last_reason() const {
  std::lock_guard lock(mutex_);
  return last_reason_;
}

}  // namespace fovea::io::ros2
