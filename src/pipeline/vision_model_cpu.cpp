// VisionModel on the CPU: the reference encoder, the CPU executor and the reference decoders.
// The specification the GPU implementation is tested against.
#include <chrono>

#include <fmt/format.h>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"
#include "pipeline/vision_model_io.h"

namespace fovea::pipeline::detail {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class CpuVisionModel final : public VisionModel {
 public:
  CpuVisionModel(VisionModelConfig config, std::vector<std::string> labels)
      : config_(std::move(config)), labels_(std::move(labels)) {}

  Status init() {
    if (ends_with(config_.model_path, ".plan"))
      return unsupported("{}: a .plan file runs only on the GPU; give the ONNX model for the CPU", config_.model_path);
    auto graph = load_onnx_model(config_.model_path);
    if (!graph.is_ok()) return graph.status().with_context(config_.model_path);
    graph_ = std::make_unique<Graph>(std::move(graph).value());
    auto input = resolve_image_input(*graph_, config_);
    if (!input.is_ok()) return input.status().with_context(config_.model_path);
    input_ = *input;
    auto executor = cpu::CpuExecutor::create(*graph_);
    if (!executor.is_ok()) return executor.status().with_context(config_.model_path);
    executor_ = std::move(executor).value();
    for (const Value* v : graph_->outputs) output_names_.push_back(v->name);
    // One dry run on a zero batch gives the concrete output dims the decoder rule reads.
    FOVEA_ASSIGN_OR_RETURN(Tensor batch, batch_tensor(1));
    auto outputs = executor_->run({{input_.name, batch}});
    if (!outputs.is_ok()) return outputs.status().with_context(config_.model_path + ": dry run");
    std::vector<NamedDims> dims;
    for (size_t i = 0; i < outputs->size(); ++i) dims.push_back({output_names_[i], (*outputs)[i].dims()});
    auto binding = bind_decoder(dims, config_, labels_.size());
    if (!binding.is_ok()) return binding.status().with_context(config_.model_path);
    binding_ = *binding;
    description_ = fmt::format("{}, CPU {} ({})", describe_model(config_, dims, binding_, labels_.size()),
                               config_.encoder.output_dtype == DType::kFloat16 ? "FP16 input" : "FP32",
                               config_.model_path);
    return Status::ok();
  }

  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    FOVEA_RETURN_IF_ERROR(validate_frames(frames, config_.max_batch_size));
    StageTimes t;
    auto start = Clock::now();
    std::vector<FrameResult> results = results_for(frames);
    FOVEA_ASSIGN_OR_RETURN(Tensor batch, batch_tensor(static_cast<int64_t>(frames.size())));
    for (size_t i = 0; i < frames.size(); ++i) {
      auto transform = vision::encode_image(frames[i].image, encoder_params_for(config_.encoder, frames[i]), batch, static_cast<int64_t>(i));
      if (!transform.is_ok()) return transform.status().with_context(fmt::format("frame '{}'", frames[i].source));
      results[i].transform = *transform;
    }
    t.encode_ms = ms_since(start);
    start = Clock::now();
    auto outputs = executor_->run({{input_.name, batch}});
    if (!outputs.is_ok()) return outputs.status().with_context(config_.model_path);
    t.infer_ms = ms_since(start);
    start = Clock::now();
    FOVEA_RETURN_IF_ERROR(decode_host_outputs(config_, binding_, *outputs, output_names_, results));
    t.decode_ms = ms_since(start);
    if (times) *times = t;
    return results;
  }

  const VisionModelConfig& config() const override { return config_; }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string description() const override { return description_; }

 private:
  // A zeroed [N,3,H,W] / [N,H,W,3] input; a fixed model batch is filled up with zero slots.
  // Reused between calls of the same size (every slot in use is fully rewritten by the encoder).
  Result<Tensor> batch_tensor(int64_t frames) {
    const int64_t n = input_.fixed_batch > 0 ? input_.fixed_batch : frames;
    const int64_t h = config_.encoder.network_image_height, w = config_.encoder.network_image_width;
    const Dims dims = config_.encoder.output_layout == vision::OutputLayout::kNchw ? Dims{n, 3, h, w} : Dims{n, h, w, 3};
    if (!batch_.defined() || batch_.dims() != dims) {
      FOVEA_ASSIGN_OR_RETURN(batch_, Tensor::allocate(config_.encoder.output_dtype, dims));
    }
    return batch_;
  }

  VisionModelConfig config_;
  std::vector<std::string> labels_;
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<cpu::CpuExecutor> executor_;
  ImageInput input_;
  DecoderBinding binding_;
  std::vector<std::string> output_names_;
  Tensor batch_;
  std::string description_;
};

}  // namespace

Result<std::unique_ptr<VisionModel>> create_cpu_vision_model(VisionModelConfig config, std::vector<std::string> labels) {
  auto model = std::make_unique<CpuVisionModel>(std::move(config), std::move(labels));
  FOVEA_RETURN_IF_ERROR(model->init());
  return std::unique_ptr<VisionModel>(std::move(model));
}

}  // namespace fovea::pipeline::detail
