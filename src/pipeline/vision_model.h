// VisionModel: the synchronous frame -> results runner every command and the pipeline use
// (image encoder -> engine -> decoder). Two implementations: the CPU one (CpuExecutor + the CPU
// references of src/vision/, vision_model_cpu.cpp) and the GPU one (Engine/ExecutionContext, the
// GPU encoder writes each frame straight into the engine's batch input, GPU decoders; only
// results come back to the host; cuda/vision_model_gpu.cpp).
//
// Network input: the image input is the model's single rank-4 input (or input_tensor_name),
// [N, 3, H, W] (NCHW) or [N, H, W, 3] (NHWC); its dtype (float32/float16) sets the encoder's
// output dtype and its layout the encoder's output layout. A fixed H, W is used when
// encoder.network_image_width/height are <= 0 (VisionModelConfig's default) and must match them
// otherwise; symbolic H, W need them set. A fixed batch dim N caps max_batch_size; a smaller batch
// fills the first slots and the results of the others are dropped.
//
// An instance runs one run() at a time (not thread-safe); use one per worker thread.
//
// Decoder auto-detection (DecoderKind::kAuto) from the output dims of a batch-1 inference
// (CPU: one dry run at create(); GPU: the context's output shapes), batch dim first; L is the
// number of labels (0 without a labels file):
//   - two rank-3 outputs [B, N, 4] and [B, N, C] (same N)        -> SSD (boxes, scores)
//   - otherwise the first output:
//     rank 4 [B, C, H, W] with H * W > 1                          -> segmentation
//     rank 2 [B, C], or [B, C, 1, 1]                               -> classification
//     rank 3 [B, a, b]; channels A = min(a, b) (Ultralytics' rule):
//       L > 0 and A == 4 + L                                       -> YOLOv8 (4 + nc)
//       num_keypoints K > 0 and A == 5 + 3K                        -> YOLOv8-pose
//       A == 56 (4 + 1 + 17 * 3), or L == 1 and (A - 5) % 3 == 0   -> YOLOv8-pose
//       else                                                        -> YOLOv8
//     YOLOv5 ([B, N, 5 + nc] with objectness) looks like a transposed YOLOv8 head: choose
//     DecoderKind::kYolov5 explicitly. A 52-class YOLOv8 head without labels reads as pose: give
//     the labels file (or the decoder).
//   Anything else is an error naming the output and its dims.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "vision/classification_decoder.h"
#include "vision/detection.h"
#include "vision/image_encoder.h"
#include "vision/image_format.h"
#include "vision/letterbox_transform.h"
#include "vision/segmentation_decoder.h"
#include "vision/yolo_decoder.h"

namespace fovea::pipeline {

enum class ComputeDevice { kCpu, kGpu };
enum class DecoderKind { kAuto, kYolov8, kYolov5, kYolov8Pose, kSsd, kClassification, kSegmentation };

// "auto", "yolov8", "yolov5", "yolov8_pose", "ssd", "classification", "segmentation".
std::string_view decoder_kind_name(DecoderKind kind);
Result<DecoderKind> parse_decoder_kind(std::string_view name);
std::string_view compute_device_name(ComputeDevice device);  // "cpu" / "gpu"

struct VisionModelConfig {
  std::string model_path;                 // .onnx, or .plan (GPU only)
  ComputeDevice device = ComputeDevice::kCpu;
  bool fp16 = false;                      // GPU: build FP16 (ignored for a .plan)
  std::string engine_cache_dir;           // GPU + ONNX: reuse/rebuild plans here (empty: build in memory)
  bool force_engine_update = false;
  int max_batch_size = 1;
  std::string input_tensor_name;          // empty: the model's single image input
  vision::EncoderParams encoder = model_sized_encoder();  // network_image_width/height <= 0: from the model's input shape
  DecoderKind decoder = DecoderKind::kAuto;   // auto: from output shapes (rule above)
  vision::DecoderParams detection;
  vision::ClassificationParams classification;
  vision::SegmentationParams segmentation;
  std::string labels_path;                // optional
  int num_keypoints = -1;                 // pose: -1 infers K from the output shape
  vision::SsdParams ssd;                  // SSD only: box format and background class (its `decoder`
                                          // and input size are replaced by `detection` and the network size)

  // EncoderParams with network size 0 x 0: take it from the model's input.
  static vision::EncoderParams model_sized_encoder() {
    vision::EncoderParams p;
    p.network_image_width = 0;
    p.network_image_height = 0;
    return p;
  }
};

struct FrameHeader {
  int64_t stamp_ns = 0;
  std::string frame_id;
};

struct Frame {  // a frame in HOST memory
  vision::ImageView image;
  FrameHeader header;
  std::string source;  // e.g. file path or camera name
  int64_t sequence = 0;
  // Encode only this region (a chained model reading a detection's box); results are in the
  // whole image's pixels either way.
  std::optional<vision::CropRoi> roi;
};

// Milliseconds spent in each stage by one run() call (the whole batch).
struct StageTimes {
  double upload_ms = 0, encode_ms = 0, infer_ms = 0, decode_ms = 0, download_ms = 0;
  double total_ms() const { return upload_ms + encode_ms + infer_ms + decode_ms + download_ms; }
};

struct FrameResult {
  FrameHeader header;
  std::string source;
  int64_t sequence = 0;
  int image_width = 0, image_height = 0;
  vision::LetterboxTransform transform;
  std::vector<vision::Detection> detections;  // ORIGINAL image pixels (map_detections_to_source)
  std::vector<vision::ClassScore> classes;    // classification models
  Tensor mask;                                // segmentation: [H, W] uint8 class ids at ORIGINAL resolution
  std::optional<vision::CropRoi> roi;         // the frame's roi, when only that region was encoded
  // A chained model's result (chain_join.h): the classes its classifier gave each detection's crop,
  // aligned with `detections` (the upstream detector's); empty for a crop that failed.
  std::vector<std::vector<vision::ClassScore>> detection_classes;
};

struct FrameResult;
// The results of one submitted batch (one per frame, in order), or the error that failed it.
using BatchCompletion = std::function<void(Result<std::vector<FrameResult>> results, const StageTimes& times)>;

class VisionModel {
 public:
  static Result<std::unique_ptr<VisionModel>> create(const VisionModelConfig& config);
  virtual ~VisionModel() = default;
  // 1 <= frames.size() <= max_batch_size. A frame that fails validation gives an error naming
  // frame.source and the field; callers may retry the others.
  virtual Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times = nullptr) = 0;
  virtual const VisionModelConfig& config() const = 0;  // with resolved network size and decoder
  virtual const std::vector<std::string>& labels() const = 0;
  virtual std::string description() const = 0;  // "YOLOv8 detector 640x640, 8 classes, GPU FP16 (plan ...)"

  // Pipelined use (the streaming pipeline's model stage). submit() hands a batch to the model's
  // own stages and returns once they took it, blocking while they are full (the stages are
  // bounded); `done` runs later on a thread of the model, once per batch, in submission order.
  // The frames' pixels must stay alive and unchanged until `done` has run. The base class runs
  // run() inline (the CPU model); the GPU model overlaps upload, inference and decoding of
  // consecutive batches on three streams. Do not mix run() and submit() on one instance.
  virtual void submit(std::vector<Frame> frames, BatchCompletion done);
  // Returns once the `done` of every batch submitted so far has returned.
  virtual void drain() {}
  // True when submit() returns before `done` runs (on another thread); false when it runs inline.
  virtual bool pipelined() const { return false; }
  // The most batches one instance holds at once (submitted, not yet completed, plus the one its
  // caller may be blocked submitting): 1 for an inline model. For the pipeline's memory bound.
  virtual int max_batches_in_flight() const { return 1; }
  // The checks run()/submit() apply to one frame (geometry, encoding, roi), so a caller can drop
  // a bad frame alone instead of failing its whole batch.
  virtual Status check_frame(const Frame& frame) const;
  // Allocates the pipelined stages' frame buffers up front for frames of up to `frame_bytes`
  // (0: unknown, grown when a larger frame comes); `page_locked` = every frame will be in
  // page-locked memory, so no pinned staging is needed. Returns what was allocated, for the
  // start-up report ("" when nothing).
  virtual Result<std::string> reserve_frame_buffers(size_t frame_bytes, bool page_locked) {
    (void)frame_bytes;
    (void)page_locked;
    return std::string();
  }
};

}  // namespace fovea::pipeline
