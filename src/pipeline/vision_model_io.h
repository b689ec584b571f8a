// What both VisionModel implementations share: finding the image input and its layout, choosing
// the decoder from output dims (the rule documented in vision_model.h), frame validation, host
// decoding of output tensors and mapping results back to original-image pixels.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline::detail {

struct ImageInput {
  std::string name;
  int64_t fixed_batch = -1;  // the model's batch dim when fixed, else -1
};

// Finds the image input of `graph` and completes config.encoder (network size, layout, dtype)
// and config.input_tensor_name from it; checks max_batch_size against a fixed batch dim.
Result<ImageInput> resolve_image_input(const Graph& graph, VisionModelConfig& config);

struct NamedDims {
  std::string name;
  Dims dims;
};

// Which outputs a decoder reads.
struct DecoderBinding {
  DecoderKind kind = DecoderKind::kAuto;
  size_t output = 0;         // the decoder's tensor (SSD: boxes)
  size_t scores_output = 0;  // SSD: scores
};

// Resolves config.decoder (kAuto by the documented rule) against the outputs' dims and checks an
// explicit choice fits them; errors name the output and its dims.
Result<DecoderBinding> bind_decoder(const std::vector<NamedDims>& outputs, VisionModelConfig& config,
                                    size_t num_labels);

// 1 <= frames.size() <= max_batch, each frame's image valid; errors name frame.source.
Status validate_frames(std::span<const Frame> frames, int max_batch);

// The encoder parameters for one frame: its roi (if any) as the crop.
vision::EncoderParams encoder_params_for(const vision::EncoderParams& params, const Frame& frame);
vision::EncoderParams encoder_params_for(const vision::EncoderParams& params, const FrameResult& result);

// Results with header, source, sequence and image size filled from the frames.
std::vector<FrameResult> results_for(std::span<const Frame> frames);

// Detections (network pixels) of each frame mapped into results[b] in original-image pixels.
void store_detections(vision::BatchDetections detections, std::vector<FrameResult>& results);

// Decodes host output tensors (graph output order) into results (transforms already set):
// detections, classes or masks as the binding says. Frames beyond results.size() (zero-padded
// slots of a fixed batch) are ignored.
Status decode_host_outputs(const VisionModelConfig& config, const DecoderBinding& binding,
                           const std::vector<Tensor>& outputs, const std::vector<std::string>& output_names,
                           std::vector<FrameResult>& results);

// One image of a [B, h, w] class-id mask (uint8 or int32, at network resolution or any multiple)
// to an [src_h, src_w] uint8 mask of the original image: each source pixel centre is mapped into
// the network input (letterbox and crop undone) and reads the nearest mask pixel; pixels outside
// params.crop are 0. Class ids above 255 saturate to 255.
Result<Tensor> mask_to_source(const Tensor& mask, int64_t b, const vision::LetterboxTransform& transform,
                              const vision::EncoderParams& params);

// "YOLOv8 detector 640x640, 80 classes" (the device part is added by each implementation).
std::string describe_model(const VisionModelConfig& config, const std::vector<NamedDims>& outputs,
                           const DecoderBinding& binding, size_t num_labels);

}  // namespace fovea::pipeline::detail

namespace fovea::pipeline::detail {

// The implementations behind VisionModel::create (labels already loaded).
Result<std::unique_ptr<VisionModel>> create_cpu_vision_model(VisionModelConfig config, std::vector<std::string> labels);
#ifdef FOVEA_HAVE_CUDA
Result<std::unique_ptr<VisionModel>> create_gpu_vision_model(VisionModelConfig config, std::vector<std::string> labels);
#endif

}  // namespace fovea::pipeline::detail
