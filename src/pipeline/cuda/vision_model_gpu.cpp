// VisionModel on the GPU: each host frame is uploaded and encoded by the GPU image encoder straight
// into the execution context's own input buffer (slot k of the batch), the engine runs on one
// stream, and the GPU decoders (threshold, top-k, NMS on the device) bring only the results back.
//
// StageTimes here: upload_ms = host time of the encoder calls (a pageable frame's copy into pinned
// staging, none for a page-locked frame, and the asynchronous launches); encode_ms = GPU time from
// before the first frame's copy to after the last frame's encode kernel (host-to-device DMA +
// encode); infer_ms = GPU time of the engine (CUDA events); decode_ms = host time of the decoder
// call after the inference has finished (decode + NMS kernels, the survivors' download, the
// synchronization) plus mapping to original pixels; download_ms = segmentation masks' download (0
// for the other decoders, whose download is inside decode_ms).
#include <chrono>

#include <cuda_runtime.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backends/cuda/cuda_check.h"
#include "core/logging.h"
#include "engine/cuda/engine_loader.h"
#include "engine/cuda/execution_context.h"
#include "engine/model_import.h"
#include "pipeline/cuda/gpu_batch_stages.h"
#include "pipeline/vision_model_io.h"
#include "vision/cuda/gpu_classification_decoder.h"
#include "vision/cuda/gpu_detection_decoder.h"
#include "vision/cuda/gpu_image_encoder.h"
#include "vision/cuda/gpu_segmentation_decoder.h"

namespace fovea::pipeline::detail {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The build profile for a VisionModel: batch 1..max_batch_size (tuned at max_batch_size), and
// explicit ranges when the model's H, W are symbolic (the network size chosen in the config).
Result<BuildConfig> build_config_for(const Graph& onnx, const VisionModelConfig& config, const ImageInput& input) {
  BuildConfig bc;
  bc.precision = config.fp16 ? Precision::kFp16 : Precision::kFp32;
  const Value* in = onnx.find_value(input.name);
  if (!in || !in->shape) return internal_error("input '{}' vanished", input.name);
  const Shape& s = *in->shape;
  const bool spatial_symbolic = !s[1].is_known() || !s[2].is_known() || !s[3].is_known();
  const int64_t h = config.encoder.network_image_height, w = config.encoder.network_image_width;
  if (spatial_symbolic) {
    const bool nchw = config.encoder.output_layout == vision::OutputLayout::kNchw;
    auto dims = [&](int64_t n) { return nchw ? Dims{n, 3, h, w} : Dims{n, h, w, 3}; };
    const int64_t lo = input.fixed_batch > 0 ? input.fixed_batch : 1;
    const int64_t hi = input.fixed_batch > 0 ? input.fixed_batch : config.max_batch_size;
    bc.input_shapes[input.name] = ShapeRange{dims(lo), dims(hi), dims(hi)};
  } else if (input.fixed_batch < 0) {
    bc.batch_min = 1;
    bc.batch_opt = config.max_batch_size;
    bc.batch_max = config.max_batch_size;
  }
  return bc;
}

struct CudaEvent {
  cudaEvent_t event = nullptr;
  ~CudaEvent() { if (event) cudaEventDestroy(event); }
};

class GpuVisionModel final : public VisionModel {
 public:
  GpuVisionModel(VisionModelConfig config, std::vector<std::string> labels)
      : config_(std::move(config)), labels_(std::move(labels)) {}
  ~GpuVisionModel() override {
    stages_.reset();  // joins the stage threads before what they use goes away
    if (stream_) {
      cudaStreamSynchronize(stream_);
      cudaStreamDestroy(stream_);
    }
  }

  Status init() {
    FOVEA_RETURN_IF_ERROR(cuda::require_gpu());
    cuda::EngineLoadOptions load;
    load.engine_cache_dir = config_.engine_cache_dir;
    load.force_engine_update = config_.force_engine_update;
    load.build.progress = false;
    if (!cuda::is_plan_path(config_.model_path)) {
      // The ONNX graph says where the image goes and which profile to build.
      auto onnx = load_onnx_model(config_.model_path);
      if (!onnx.is_ok()) return onnx.status().with_context(config_.model_path);
      VisionModelConfig probe = config_;
      auto input = resolve_image_input(*onnx, probe);
      if (!input.is_ok()) return input.status().with_context(config_.model_path);
      FOVEA_ASSIGN_OR_RETURN(load.config, build_config_for(*onnx, probe, *input));
    }
    auto loaded = cuda::load_or_build_engine(config_.model_path, load);
    if (!loaded.is_ok()) return loaded.status().with_context(config_.model_path);
    loaded_ = std::move(loaded).value();
    auto input = resolve_image_input(loaded_.engine->graph(), config_);
    if (!input.is_ok()) return input.status().with_context(config_.model_path);
    input_ = *input;
    const auto& profile = loaded_.engine->profile();
    if (auto it = profile.find(input_.name); it != profile.end() && !it->second.max.empty() &&
                                             it->second.max[0] < config_.max_batch_size)
      return invalid_argument("{}: max_batch_size {} exceeds the engine's batch range {}..{} (rebuild with --batch)",
                              config_.model_path, config_.max_batch_size, it->second.min[0], it->second.max[0]);
    FOVEA_ASSIGN_OR_RETURN(context_, loaded_.engine->create_execution_context());
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    for (CudaEvent* e : {&start_, &encoded_, &inferred_})
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&e->event));
    FOVEA_ASSIGN_OR_RETURN(detector_, vision::cuda::GpuDetectionDecoder::create());
    encoders_.resize(static_cast<size_t>(config_.max_batch_size));
    for (auto& e : encoders_) e = std::make_unique<vision::cuda::GpuImageEncoder>();
    for (const Value* v : loaded_.engine->graph().outputs) output_names_.push_back(v->name);

    // Output dims at batch 1 for the decoder rule; data-dependent graphs know them only after a run.
    FOVEA_RETURN_IF_ERROR(set_batch(1));
    std::vector<NamedDims> dims;
    bool known = true;
    for (const std::string& name : output_names_) {
      auto t = context_->output_tensor(name);
      if (!t.is_ok() || t->dims.empty()) { known = false; break; }
      dims.push_back({name, t->dims});
    }
    if (!known) {
      dims.clear();
      FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor in, context_->input_tensor(input_.name));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(in.data, 0, in.nbytes(), stream_));
      FOVEA_RETURN_IF_ERROR(context_->enqueue(stream_));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
      for (const std::string& name : output_names_) {
        FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor t, context_->output_tensor(name));
        dims.push_back({name, t.dims});
      }
    }
    auto binding = bind_decoder(dims, config_, labels_.size());
    if (!binding.is_ok()) return binding.status().with_context(config_.model_path);
    binding_ = *binding;
    description_ = fmt::format("{}, GPU {} ({})", describe_model(config_, dims, binding_, labels_.size()),
                               loaded_.precision == Precision::kFp16 ? "FP16" : "FP32", loaded_.source);
    return Status::ok();
  }

  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    FOVEA_RETURN_IF_ERROR(validate_frames(frames, config_.max_batch_size));
    StageTimes t;
    std::vector<FrameResult> results = results_for(frames);
    FOVEA_RETURN_IF_ERROR(set_batch(static_cast<int64_t>(frames.size())));
    FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor batch, context_->input_tensor(input_.name));

    auto host_start = Clock::now();
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(start_.event, stream_));
    for (size_t i = 0; i < frames.size(); ++i) {
      // run() synchronizes before it returns (also on errors below), so a page-locked frame may be
      // DMA'd straight from the caller's memory; pageable frames go through the pinned staging.
      auto transform = encoders_[i]->encode_host_image_no_copy(frames[i].image, encoder_params_for(config_.encoder, frames[i]), batch,
                                                               static_cast<int64_t>(i), stream_);
      if (!transform.is_ok()) {
        cudaStreamSynchronize(stream_);
        return transform.status().with_context(fmt::format("frame '{}'", frames[i].source));
      }
      results[i].transform = *transform;
    }
    t.upload_ms = ms_since(host_start);
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(encoded_.event, stream_));
    Status enqueued = context_->enqueue(stream_);
    if (!enqueued.is_ok()) {
      cudaStreamSynchronize(stream_);
      return enqueued.with_context(config_.model_path);
    }
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(inferred_.event, stream_));
    // Wait for the inference here, so decode_ms is the decoder's own time, not the engine's.
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(inferred_.event));

    host_start = Clock::now();
    std::vector<cuda::DeviceTensor> outputs;
    for (const std::string& name : output_names_) {
      FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor o, context_->output_tensor(name));
      outputs.push_back(o);
    }
    FOVEA_RETURN_IF_ERROR(decode(outputs, results, t));
    t.decode_ms = ms_since(host_start) - t.download_ms;
    float ms = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start_.event, encoded_.event));
    t.encode_ms = ms;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, encoded_.event, inferred_.event));
    t.infer_ms = ms;
    if (times) *times = t;
    return results;
  }

  void submit(std::vector<Frame> frames, BatchCompletion done) override {
    if (Status s = validate_frames(frames, config_.max_batch_size); !s.is_ok()) {
      done(s, StageTimes{});
      return;
    }
    if (!stages_) {
      if (Status s = start_stages(); !s.is_ok()) {
        done(s, StageTimes{});
        return;
      }
    }
    if (!stages_) {  // outputs known only after a run: no fixed output slots, run inline
      VisionModel::submit(std::move(frames), std::move(done));
      return;
    }
    stages_->submit(std::move(frames), std::move(done));
  }

  void drain() override {
    if (stages_) stages_->drain();
  }
  bool pipelined() const override { return stages_ != nullptr; }
  int max_batches_in_flight() const override { return stages_ ? GpuBatchStages::max_batches_in_flight() : 1; }

  Result<std::string> reserve_frame_buffers(size_t frame_bytes, bool page_locked) override {
    FOVEA_RETURN_IF_ERROR(start_stages());
    if (!stages_) return std::string();
    return stages_->reserve(frame_bytes, page_locked);
  }

  const VisionModelConfig& config() const override { return config_; }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string description() const override { return description_; }

 private:
  Status set_batch(int64_t frames) {
    const int64_t n = input_.fixed_batch > 0 ? input_.fixed_batch : frames;
    if (n == current_batch_) return Status::ok();
    const int64_t h = config_.encoder.network_image_height, w = config_.encoder.network_image_width;
    const Dims dims = config_.encoder.output_layout == vision::OutputLayout::kNchw ? Dims{n, 3, h, w} : Dims{n, h, w, 3};
    FOVEA_RETURN_IF_ERROR(context_->set_input_shape(input_.name, dims));
    current_batch_ = n;
    return Status::ok();
  }

  // The pipelined stages need each output's size at max_batch_size for their output slots;
  // graphs whose output sizes are known only after a run keep the inline path.
  Status start_stages() {
    if (stages_ || stages_unavailable_) return Status::ok();
    FOVEA_RETURN_IF_ERROR(set_batch(config_.max_batch_size));
    std::vector<size_t> output_bytes;
    for (const std::string& name : output_names_) {
      auto t = context_->output_tensor(name);
      if (!t.is_ok() || t->dims.empty()) {
        stages_unavailable_ = true;
        return Status::ok();
      }
      output_bytes.push_back(t->nbytes());
    }
    GpuBatchStages::Hooks hooks;
    hooks.encode = [this](const std::vector<Frame>& frames, std::vector<FrameResult>& results, cudaStream_t stream) {
      return encode_device_frames(frames, results, stream);
    };
    hooks.infer = [this](cudaStream_t stream) { return context_->enqueue(stream).with_context(config_.model_path); };
    hooks.outputs = [this]() -> Result<std::vector<cuda::DeviceTensor>> {
      std::vector<cuda::DeviceTensor> outputs;
      for (const std::string& name : output_names_) {
        FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor o, context_->output_tensor(name));
        outputs.push_back(o);
      }
      return outputs;
    };
    hooks.decode = [this](const std::vector<cuda::DeviceTensor>& outputs, std::vector<FrameResult>& results,
                          StageTimes& t, cudaStream_t stream) { return decode(outputs, results, t, stream); };
    FOVEA_ASSIGN_OR_RETURN(stages_, GpuBatchStages::create(std::move(hooks), config_.max_batch_size,
                                                           std::move(output_bytes), config_.model_path));
    // Warm-up (Triton's model_warmup): every engine batch size the stages use runs twice now —
    // directly, then captured into its CUDA graph — so no live frame pays for a first run.
    const auto start = Clock::now();
    FOVEA_RETURN_IF_ERROR(stages_->run_on_infer_stream([&](cudaStream_t stream) -> Status {
      for (int64_t n : engine_batch_sizes()) {
        FOVEA_RETURN_IF_ERROR(set_batch(n));
        for (int run = 0; run < 2; ++run) FOVEA_RETURN_IF_ERROR(context_->enqueue(stream));
      }
      return Status::ok();
    }));
    log::info("'{}': warmed up engine batch sizes {} in {:.0f} ms", config_.model_path,
              fmt::join(engine_batch_sizes(), ","), ms_since(start));
    return Status::ok();
  }

  // The pipelined stages run the engine at powers of two up to max_batch_size (and at it): each
  // engine shape costs a set-up (kernel plans, workspace, a CUDA graph), so dynamic batching
  // across cameras would otherwise meet up to max_batch_size of them.
  std::vector<int64_t> engine_batch_sizes() const {
    std::vector<int64_t> sizes;
    for (int64_t n = 1; n < config_.max_batch_size; n *= 2) sizes.push_back(n);
    sizes.push_back(config_.max_batch_size);
    return sizes;
  }
  int64_t engine_batch_for(int64_t frames) const {
    for (int64_t n : engine_batch_sizes())
      if (n >= frames) return n;
    return frames;
  }

  Status encode_device_frames(const std::vector<Frame>& frames, std::vector<FrameResult>& results,
                              cudaStream_t stream) {
    // The batch runs at the next engine batch size; the slots past the frames keep whatever they
    // held and their results are not read.
    FOVEA_RETURN_IF_ERROR(set_batch(engine_batch_for(static_cast<int64_t>(frames.size()))));
    FOVEA_ASSIGN_OR_RETURN(cuda::DeviceTensor batch, context_->input_tensor(input_.name));
    for (size_t i = 0; i < frames.size(); ++i) {
      auto transform = vision::cuda::encode_image_device(frames[i].image, encoder_params_for(config_.encoder, frames[i]),
                                                         batch, static_cast<int64_t>(i), stream);
      if (!transform.is_ok()) return transform.status().with_context(fmt::format("frame '{}'", frames[i].source));
      results[i].transform = *transform;
    }
    return Status::ok();
  }

  Status decode(const std::vector<cuda::DeviceTensor>& outputs, std::vector<FrameResult>& results, StageTimes& t) {
    return decode(outputs, results, t, stream_);
  }

  Status decode(const std::vector<cuda::DeviceTensor>& outputs, std::vector<FrameResult>& results, StageTimes& t,
                cudaStream_t stream) {
    const cuda::DeviceTensor& out = outputs.at(binding_.output);
    const std::string& name = output_names_.at(binding_.output);
    vision::BatchDetections dets;
    switch (binding_.kind) {
      case DecoderKind::kYolov8: {
        FOVEA_ASSIGN_OR_RETURN(dets, detector_->decode_yolov8(out, config_.detection, stream, name));
        break;
      }
      case DecoderKind::kYolov5: {
        FOVEA_ASSIGN_OR_RETURN(dets, detector_->decode_yolov5(out, config_.detection, stream, name));
        break;
      }
      case DecoderKind::kYolov8Pose: {
        FOVEA_ASSIGN_OR_RETURN(dets, detector_->decode_yolov8_pose(out, config_.detection, config_.num_keypoints,
                                                                   stream, name));
        break;
      }
      case DecoderKind::kSsd: {
        vision::SsdParams p = config_.ssd;
        p.decoder = config_.detection;
        p.input_width = config_.encoder.network_image_width;
        p.input_height = config_.encoder.network_image_height;
        FOVEA_ASSIGN_OR_RETURN(dets, detector_->decode_ssd(out, outputs.at(binding_.scores_output), p, stream, name,
                                                           output_names_.at(binding_.scores_output)));
        break;
      }
      case DecoderKind::kClassification: {
        FOVEA_ASSIGN_OR_RETURN(auto classes, vision::cuda::decode_classification_device(out, config_.classification,
                                                                                        stream, name));
        for (size_t b = 0; b < results.size() && b < classes.size(); ++b) results[b].classes = std::move(classes[b]);
        return Status::ok();
      }
      case DecoderKind::kSegmentation: {
        FOVEA_ASSIGN_OR_RETURN(auto mask, vision::cuda::decode_segmentation_device(out, config_.segmentation, stream, name));
        const auto download_start = Clock::now();
        FOVEA_ASSIGN_OR_RETURN(Tensor host_mask, vision::cuda::download_tensor(mask.tensor, stream));
        t.download_ms = ms_since(download_start);
        for (size_t b = 0; b < results.size() && static_cast<int64_t>(b) < host_mask.dim(0); ++b) {
          FOVEA_ASSIGN_OR_RETURN(results[b].mask,
                                 mask_to_source(host_mask, static_cast<int64_t>(b), results[b].transform,
                                                encoder_params_for(config_.encoder, results[b])));
        }
        return Status::ok();
      }
      case DecoderKind::kAuto: return internal_error("decoder not resolved");
    }
    store_detections(std::move(dets), results);
    return Status::ok();
  }

  VisionModelConfig config_;
  std::vector<std::string> labels_;
  cuda::LoadedEngine loaded_;
  std::unique_ptr<cuda::ExecutionContext> context_;
  cudaStream_t stream_ = nullptr;
  CudaEvent start_, encoded_, inferred_;
  std::unique_ptr<vision::cuda::GpuDetectionDecoder> detector_;
  // One encoder per batch slot: each has its own staging, so frames of a batch never wait on each other.
  std::vector<std::unique_ptr<vision::cuda::GpuImageEncoder>> encoders_;
  ImageInput input_;
  DecoderBinding binding_;
  std::vector<std::string> output_names_;
  int64_t current_batch_ = -1;
  std::string description_;
  std::unique_ptr<GpuBatchStages> stages_;  // created by the first submit() / reserve_frame_buffers()
  bool stages_unavailable_ = false;
};

}  // namespace

Result<std::unique_ptr<VisionModel>> create_gpu_vision_model(VisionModelConfig config, std::vector<std::string> labels) {
  auto model = std::make_unique<GpuVisionModel>(std::move(config), std::move(labels));
  FOVEA_RETURN_IF_ERROR(model->init());
  return std::unique_ptr<VisionModel>(std::move(model));
}

}  // namespace fovea::pipeline::detail
