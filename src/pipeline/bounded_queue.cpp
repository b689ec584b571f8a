#include "pipeline/bounded_queue.h"

namespace fovea::pipeline {

std::string_view queue_policy_name(QueuePolicy policy) {
  return policy == QueuePolicy::kKeepLatest ? "keep_latest" : "block";
}

Result<QueuePolicy> parse_queue_policy(std::string_view name) {
  if (name == "keep_latest") return QueuePolicy::kKeepLatest;
  if (name == "block") return QueuePolicy::kBlock;
  return invalid_argument("unknown queue policy '{}' (expected keep_latest or block)", name);
}

}  // namespace fovea::pipeline
