#include "pipeline/vision_model.h"

#include <filesystem>

#include "pipeline/vision_model_io.h"
#include "vision/result_mapping.h"

namespace fovea::pipeline {

Result<std::unique_ptr<VisionModel>> VisionModel::create(const VisionModelConfig& config) {
  if (config.model_path.empty()) return invalid_argument("model_path: empty");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(config.model_path, ec))
    return not_found("model_path: {}: no such file", config.model_path);
  std::vector<std::string> labels;
  if (!config.labels_path.empty()) {
    FOVEA_ASSIGN_OR_RETURN(labels, vision::load_labels(config.labels_path));
  }
  FOVEA_RETURN_IF_ERROR(vision::validate_nms_params(config.detection.nms));
  if (config.device == ComputeDevice::kCpu) return detail::create_cpu_vision_model(config, std::move(labels));
#ifdef FOVEA_HAVE_CUDA
  return detail::create_gpu_vision_model(config, std::move(labels));
#else
  return unsupported("device gpu: this fovea was built without CUDA; use the CPU device");
#endif
}

void VisionModel::submit(std::vector<Frame> frames, BatchCompletion done) {
  StageTimes times;
  Result<std::vector<FrameResult>> results = run(frames, &times);
  done(std::move(results), times);
}

Status VisionModel::check_frame(const Frame& frame) const {
  return detail::validate_frames(std::span(&frame, 1), config().max_batch_size);
}

}  // namespace fovea::pipeline
