#include "pipeline/dynamic_batcher.h"

namespace fovea::pipeline {

Status validate_batcher_options(const BatcherOptions& options, const std::string& what) {
  if (options.max_batch_size < 1 || options.max_batch_size > 4096)
    return invalid_argument("{}.max_batch_size: {} is not in [1, 4096]", what, options.max_batch_size);
  if (options.max_queue_delay.count() < 0)
    return invalid_argument("{}.max_queue_delay_us: {} is negative", what, options.max_queue_delay.count());
  for (size_t i = 0; i < options.preferred_batch_sizes.size(); ++i) {
    const int p = options.preferred_batch_sizes[i];
    if (p < 1 || p > options.max_batch_size)
      return invalid_argument("{}.preferred_batch_sizes[{}]: {} is not in [1, max_batch_size = {}]", what, i, p,
                              options.max_batch_size);
  }
  return Status::ok();
}

}  // namespace fovea::pipeline
