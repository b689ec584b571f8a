// GPU detection decoders: YOLOv8/v11, YOLOv5/v7, YOLOv8-pose and SSD heads whose outputs are in
// device memory. The whole selection pipeline runs on the device (best class and score per
// anchor, threshold, stable sort by score, top-k, IoU bitmask NMS, max detections), batched over
// images; only the survivors are downloaded. Results equal the CPU references in
// vision/yolo_decoder.h exactly: same boxes (bit for bit), same scores, same order.
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "vision/detection.h"
#include "vision/nms.h"
#include "vision/yolo_decoder.h"

namespace fovea::vision::cuda {

// Decodes detector outputs that are on the device. Owns its device scratch and pinned download
// buffer (grown on demand, reused across calls), so keep one per stream / model. Every call is
// enqueued on `stream` and synchronizes it before returning. Not thread-safe.
// Outputs may be float32 or float16 (both decode identically: half -> float is exact).
class GpuDetectionDecoder {
 public:
  static Result<std::unique_ptr<GpuDetectionDecoder>> create();
  ~GpuDetectionDecoder();
  GpuDetectionDecoder(const GpuDetectionDecoder&) = delete;
  GpuDetectionDecoder& operator=(const GpuDetectionDecoder&) = delete;

  // Same contracts (shapes, layout rule, errors naming the tensor) as vision::decode_yolov8 etc.
  Result<BatchDetections> decode_yolov8(const fovea::cuda::DeviceTensor& output, const DecoderParams& params,
                                        cudaStream_t stream, const std::string& tensor_name = "output");
  Result<BatchDetections> decode_yolov5(const fovea::cuda::DeviceTensor& output, const DecoderParams& params,
                                        cudaStream_t stream, const std::string& tensor_name = "output");
  Result<BatchDetections> decode_yolov8_pose(const fovea::cuda::DeviceTensor& output, const DecoderParams& params,
                                             int num_keypoints, cudaStream_t stream,
                                             const std::string& tensor_name = "output");
  Result<BatchDetections> decode_ssd(const fovea::cuda::DeviceTensor& boxes, const fovea::cuda::DeviceTensor& scores,
                                     const SsdParams& params, cudaStream_t stream,
                                     const std::string& boxes_name = "boxes",
                                     const std::string& scores_name = "scores");

  // vision::batched_nms on host candidates, run on the device (uploads, NMS, downloads the kept
  // indices). Same contract: n = min(boxes, scores) candidates, missing class ids read as 0,
  // NaN scores sort last and still take part.
  Result<std::vector<size_t>> batched_nms(std::span<const BoxXYXY> boxes, std::span<const float> scores,
                                          std::span<const int> class_ids, float iou_threshold, bool class_agnostic,
                                          cudaStream_t stream);

 private:
  struct Impl;
  explicit GpuDetectionDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// For tests and other callers: batched NMS of host candidates run on the device (a temporary
// decoder on the default stream); same contract as vision::batched_nms (vision/nms.h).
Result<std::vector<size_t>> batched_nms_device(std::span<const BoxXYXY> boxes, std::span<const float> scores,
                                               std::span<const int> class_ids, float iou_threshold,
                                               bool class_agnostic);

}  // namespace fovea::vision::cuda
