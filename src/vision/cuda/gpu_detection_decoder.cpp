#include "vision/cuda/gpu_detection_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "backends/cuda/cuda_check.h"
#include "core/shape.h"
#include "vision/cuda/kernels/detection_decode.h"
#include "vision/cuda/kernels/nms.h"

namespace fovea::vision::cuda {
namespace k = kernels;
using fovea::cuda::DeviceTensor;

namespace {

constexpr size_t kAlign = 256;
// The IoU mask holds K^2 / 8 bytes per image; beyond this the real candidate counts are
// downloaded first (one extra synchronization) and an image that still does not fit is refused.
constexpr uint64_t kMaskBudgetBytes = uint64_t{256} << 20;

size_t align_up(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Device memory grown on demand (contents are not kept when it grows). Every call synchronizes
// its stream before returning, so freeing the old block never races a kernel.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  Status reserve(size_t bytes) {
    if (bytes <= capacity_) return Status::ok();
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
    capacity_ = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMalloc(&ptr_, bytes));
    capacity_ = bytes;
    return Status::ok();
  }
  char* data() const { return static_cast<char*>(ptr_); }

 private:
  void* ptr_ = nullptr;
  size_t capacity_ = 0;
};

// Pinned host memory for the download, grown on demand.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() {
    if (ptr_) cudaFreeHost(ptr_);
  }
  Status reserve(size_t bytes) {
    if (bytes <= capacity_) return Status::ok();
    if (ptr_) cudaFreeHost(ptr_);
    ptr_ = nullptr;
    capacity_ = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMallocHost(&ptr_, bytes));
    capacity_ = bytes;
    return Status::ok();
  }
  char* data() const { return static_cast<char*>(ptr_); }

 private:
  void* ptr_ = nullptr;
  size_t capacity_ = 0;
};

// Lays aligned arrays out in one block: a pass with a null base only sizes, a second assigns
// the pointers (the same layout is applied to the device buffer and its pinned host copy).
class Carver {
 public:
  explicit Carver(char* base) : base_(base) {}
  template <typename T>
  T* take(int64_t count) {
    T* p = base_ ? reinterpret_cast<T*>(base_ + offset_) : nullptr;
    offset_ += align_up(sizeof(T) * static_cast<size_t>(std::max<int64_t>(count, 0)));
    return p;
  }
  size_t bytes() const { return offset_; }

 private:
  char* base_;
  size_t offset_ = 0;
};

// Bits needed to hold every value in [0, max_value].
int bits_for(int64_t max_value) {
  int bits = 0;
  while (bits < 63 && (int64_t{1} << bits) <= max_value) ++bits;
  return bits;
}

uint64_t mask_bytes(int64_t batch, int64_t rows) {
  return static_cast<uint64_t>(batch) * static_cast<uint64_t>(rows) *
         static_cast<uint64_t>(k::nms_mask_words(rows)) * sizeof(uint64_t);
}

// Same checks as the CPU reference decoders.
Status check_params(const DecoderParams& p) {
  FOVEA_RETURN_IF_ERROR(validate_nms_params(p.nms));
  if (p.num_classes == 0 || p.num_classes < -1)
    return invalid_argument("num_classes must be positive or -1 (inferred), got {}", p.num_classes);
  return Status::ok();
}

Status check_device_tensor(const DeviceTensor& t, const std::string& name) {
  if (!t.defined()) return invalid_argument("tensor '{}' is undefined", name);
  if (t.dtype != DType::kFloat32 && t.dtype != DType::kFloat16)
    return unsupported("tensor '{}' has dtype {}; decoders read float32 or float16", name, dtype_name(t.dtype));
  for (int64_t d : t.dims)
    if (d < 0) return invalid_argument("tensor '{}' has negative dims {}", name, dims_to_string(t.dims));
  if (t.numel() > 0 && t.data == nullptr) return invalid_argument("tensor '{}' has no device data", name);
  return Status::ok();
}

// The CPU reference's layout rule for a rank-3 head: the dim equal to `expected_channels` when
// known (> 0), else the smaller one; a tie reads as channels-first.
Result<k::HeadParams> resolve_head(const DeviceTensor& t, int64_t expected_channels, int64_t min_channels,
                                   const std::string& name, const std::string& layouts) {
  const Dims& d = t.dims;
  auto bad = [&](const std::string& why) {
    return invalid_argument("tensor '{}' has shape {}: {}; expected {}", name, dims_to_string(d), why, layouts);
  };
  if (d.size() != 3) return bad("rank is not 3");
  k::HeadParams h;
  h.data = t.data;
  h.data_half = t.dtype == DType::kFloat16;
  h.batch = d[0];
  if (expected_channels > 0) {
    if (d[1] == expected_channels) {
      h.channels_first = true;
    } else if (d[2] == expected_channels) {
      h.channels_first = false;
    } else {
      return bad(fmt::format("neither non-batch dim is {}", expected_channels));
    }
  } else {
    h.channels_first = d[1] <= d[2];
  }
  h.channels = h.channels_first ? d[1] : d[2];
  h.anchors = h.channels_first ? d[2] : d[1];
  if (h.channels < min_channels) return bad(fmt::format("{} channels, fewer than {}", h.channels, min_channels));
  return h;
}

}  // namespace

// Survivors of one call, in the pinned host buffer: image b's are records[b * cap ..
// b * cap + kept[b]), best first; keypoints (pose) 3K floats per record slot.
struct Survivors {
  int64_t batch = 0;
  int cap = 0;
  int keypoint_values = 0;
  const int* kept = nullptr;
  const k::DetectionRecord* records = nullptr;
  const float* keypoints = nullptr;
};

struct GpuDetectionDecoder::Impl {
  DeviceBuffer scratch;  // keys, sort workspace, sorted candidates, counts
  DeviceBuffer nms;      // IoU mask, kept positions
  DeviceBuffer result;   // what is downloaded: kept counts, records, keypoints
  DeviceBuffer upload;   // batched_nms's host candidates
  PinnedBuffer host;

  Result<Survivors> select(const k::HeadParams& h, const NmsParams& params, cudaStream_t stream,
                           const std::string& name);
};

// Threshold, sort, top-k, NMS and max detections for every image of `h`, then the download.
Result<Survivors> GpuDetectionDecoder::Impl::select(const k::HeadParams& h, const NmsParams& params,
                                                    cudaStream_t stream, const std::string& name) {
  Survivors out;
  out.batch = h.batch;
  if (h.batch == 0 || h.anchors == 0) return out;
  if (h.batch > 65535 || h.anchors > std::numeric_limits<int32_t>::max() / h.batch)
    return unsupported("tensor '{}': {} images x {} anchors exceeds the GPU decoder's limits (2^31 anchors, 65535 "
                       "images)",
                       name, h.batch, h.anchors);
  const int64_t total = h.batch * h.anchors;
  const k::KeyLayout layout{bits_for(h.anchors - 1), bits_for(h.batch - 1)};
  if (layout.end_bit() > 64)
    return unsupported("tensor '{}': {} images x {} anchors do not fit the GPU decoder's 64-bit sort key", name,
                       h.batch, h.anchors);
  const int64_t batch = h.batch;
  const int64_t kmax = params.top_k > 0 ? std::min<int64_t>(h.anchors, params.top_k) : h.anchors;

  // Stage 1: sort keys, sort, the first kmax candidates of each image.
  size_t sort_bytes = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(k::sort_keys_workspace_bytes(total, layout.end_bit(), &sort_bytes));
  uint64_t* keys = nullptr;
  uint64_t* sorted = nullptr;
  char* sort_workspace = nullptr;
  int* counts = nullptr;
  k::CandidateArrays cand;
  cand.stride = kmax;
  auto carve_scratch = [&](Carver& c) {
    keys = c.take<uint64_t>(total);
    sorted = c.take<uint64_t>(total);
    sort_workspace = c.take<char>(static_cast<int64_t>(sort_bytes));
    cand.boxes = c.take<float>(batch * kmax * 4);
    cand.scores = c.take<float>(batch * kmax);
    cand.classes = c.take<int>(batch * kmax);
    cand.anchors = c.take<int>(batch * kmax);
    counts = c.take<int>(batch);
  };
  Carver scratch_size(nullptr);
  carve_scratch(scratch_size);
  FOVEA_RETURN_IF_ERROR(scratch.reserve(scratch_size.bytes()));
  Carver scratch_layout(scratch.data());
  carve_scratch(scratch_layout);
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(counts, 0, sizeof(int) * static_cast<size_t>(batch), stream));
  FOVEA_CUDA_RETURN_IF_ERROR(k::launch_score_keys(h, layout, keys, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(
      k::launch_sort_keys(keys, sorted, total, layout.end_bit(), sort_workspace, sort_bytes, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(k::launch_gather_candidates(h, layout, sorted, cand, counts, stream));

  // Stage 2: mask rows. The worst case (kmax) needs no synchronization; when its mask is too
  // large, size it by the real counts instead.
  int64_t rows = kmax;
  if (mask_bytes(batch, rows) > kMaskBudgetBytes) {
    FOVEA_RETURN_IF_ERROR(host.reserve(sizeof(int) * static_cast<size_t>(batch)));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(host.data(), counts, sizeof(int) * static_cast<size_t>(batch),
                                               cudaMemcpyDeviceToHost, stream));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    const int* host_counts = reinterpret_cast<const int*>(host.data());
    rows = std::max<int64_t>(1, *std::max_element(host_counts, host_counts + batch));
    if (mask_bytes(batch, rows) > kMaskBudgetBytes)
      return unsupported("tensor '{}': {} candidates in one image need a {} MiB NMS mask on the GPU (limit {} MiB); "
                         "raise confidence_threshold or set top_k",
                         name, rows, mask_bytes(batch, rows) >> 20, kMaskBudgetBytes >> 20);
  }
  const int cap = static_cast<int>(params.max_detections > 0 ? std::min<int64_t>(params.max_detections, rows) : rows);
  k::NmsMaskParams mp;
  mp.batch = static_cast<int>(batch);
  mp.stride = kmax;
  mp.mask_rows = rows;
  mp.words = k::nms_mask_words(rows);
  mp.iou_threshold = params.nms_threshold;
  mp.class_agnostic = params.class_agnostic;
  uint64_t* mask = nullptr;
  int* keep = nullptr;
  auto carve_nms = [&](Carver& c) {
    mask = c.take<uint64_t>(batch * rows * mp.words);
    keep = c.take<int>(batch * cap);
  };
  Carver nms_size(nullptr);
  carve_nms(nms_size);
  FOVEA_RETURN_IF_ERROR(nms.reserve(nms_size.bytes()));
  Carver nms_layout(nms.data());
  carve_nms(nms_layout);

  // Stage 3: NMS and the survivors, laid out identically on the device and in pinned memory.
  out.cap = cap;
  out.keypoint_values = h.kind == k::HeadKind::kPose ? 3 * h.num_keypoints : 0;
  int* kept = nullptr;
  k::DetectionRecord* records = nullptr;
  float* keypoints = nullptr;
  auto carve_result = [&](Carver& c) {
    kept = c.take<int>(batch);
    records = c.take<k::DetectionRecord>(batch * cap);
    keypoints = out.keypoint_values > 0 ? c.take<float>(batch * cap * out.keypoint_values) : nullptr;
  };
  Carver result_size(nullptr);
  carve_result(result_size);
  FOVEA_RETURN_IF_ERROR(result.reserve(result_size.bytes()));
  Carver result_layout(result.data());
  carve_result(result_layout);
  FOVEA_CUDA_RETURN_IF_ERROR(k::launch_nms_mask(cand.boxes, cand.classes, counts, mp, mask, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(k::launch_nms_scan(mask, counts, mp, cap, keep, kept, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(k::launch_write_survivors(h, cand, keep, kept, cap, records, keypoints, stream));

  FOVEA_RETURN_IF_ERROR(host.reserve(result_size.bytes()));
  FOVEA_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(host.data(), result.data(), result_size.bytes(), cudaMemcpyDeviceToHost, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  Carver host_layout(host.data());
  carve_result(host_layout);
  out.kept = kept;
  out.records = records;
  out.keypoints = keypoints;
  return out;
}

namespace {

BatchDetections to_detections(const Survivors& s) {
  BatchDetections result(static_cast<size_t>(s.batch));
  if (s.cap == 0) return result;
  for (int64_t b = 0; b < s.batch; ++b) {
    const int n = s.kept[b];
    result[b].reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      const int64_t slot = b * s.cap + i;
      const k::DetectionRecord& r = s.records[slot];
      Detection d;
      d.x1 = r.x1;
      d.y1 = r.y1;
      d.x2 = r.x2;
      d.y2 = r.y2;
      d.score = r.score;
      d.class_id = r.class_id;
      d.batch_index = static_cast<int>(b);
      if (s.keypoint_values > 0) {
        const float* kp = s.keypoints + slot * s.keypoint_values;
        d.keypoints.assign(kp, kp + s.keypoint_values);
      }
      result[b].push_back(std::move(d));
    }
  }
  return result;
}

}  // namespace

GpuDetectionDecoder::GpuDetectionDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GpuDetectionDecoder::~GpuDetectionDecoder() = default;

Result<std::unique_ptr<GpuDetectionDecoder>> GpuDetectionDecoder::create() {
  int devices = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaGetDeviceCount(&devices));
  if (devices <= 0) return unsupported("the GPU detection decoder needs a CUDA device; none was found");
  return std::unique_ptr<GpuDetectionDecoder>(new GpuDetectionDecoder(std::make_unique<Impl>()));
}

Result<BatchDetections> GpuDetectionDecoder::decode_yolov8(const DeviceTensor& output, const DecoderParams& params,
                                                           cudaStream_t stream, const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  FOVEA_RETURN_IF_ERROR(check_device_tensor(output, tensor_name));
  const int64_t expected = params.num_classes > 0 ? 4 + params.num_classes : -1;
  FOVEA_ASSIGN_OR_RETURN(k::HeadParams h, resolve_head(output, expected, 5, tensor_name,
                                                       "YOLOv8 layout [B, 4+nc, N] or [B, N, 4+nc]"));
  h.kind = k::HeadKind::kYolov8;
  h.num_classes = h.channels - 4;
  h.threshold = params.nms.confidence_threshold;
  FOVEA_ASSIGN_OR_RETURN(Survivors s, impl_->select(h, params.nms, stream, tensor_name));
  return to_detections(s);
}

Result<BatchDetections> GpuDetectionDecoder::decode_yolov5(const DeviceTensor& output, const DecoderParams& params,
                                                           cudaStream_t stream, const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  FOVEA_RETURN_IF_ERROR(check_device_tensor(output, tensor_name));
  const Dims& d = output.dims;
  const std::string layout = "YOLOv5/v7 layout [B, N, 5+nc]";
  if (d.size() != 3 || d[2] < 6)
    return invalid_argument("tensor '{}' has shape {}; expected {} with nc >= 1", tensor_name, dims_to_string(d),
                            layout);
  if (params.num_classes > 0 && d[2] != 5 + params.num_classes)
    return invalid_argument("tensor '{}' has shape {}; expected {} with nc = {} (last dim {})", tensor_name,
                            dims_to_string(d), layout, params.num_classes, 5 + params.num_classes);
  k::HeadParams h;
  h.kind = k::HeadKind::kYolov5;
  h.data = output.data;
  h.data_half = output.dtype == DType::kFloat16;
  h.batch = d[0];
  h.anchors = d[1];
  h.channels = d[2];
  h.channels_first = false;
  h.num_classes = d[2] - 5;
  h.threshold = params.nms.confidence_threshold;
  FOVEA_ASSIGN_OR_RETURN(Survivors s, impl_->select(h, params.nms, stream, tensor_name));
  return to_detections(s);
}

Result<BatchDetections> GpuDetectionDecoder::decode_yolov8_pose(const DeviceTensor& output,
                                                                const DecoderParams& params, int num_keypoints,
                                                                cudaStream_t stream, const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  if (params.num_classes > 1)
    return unsupported("YOLOv8-pose decoding of tensor '{}' supports one class, num_classes is {}", tensor_name,
                       params.num_classes);
  if (num_keypoints == 0 || num_keypoints < -1)
    return invalid_argument("num_keypoints must be positive or -1 (inferred), got {}", num_keypoints);
  FOVEA_RETURN_IF_ERROR(check_device_tensor(output, tensor_name));
  const int64_t expected = num_keypoints > 0 ? 5 + 3 * int64_t{num_keypoints} : -1;
  const std::string layouts = "YOLOv8-pose layout [B, 4+1+3K, N] or [B, N, 4+1+3K]";
  FOVEA_ASSIGN_OR_RETURN(k::HeadParams h, resolve_head(output, expected, 8, tensor_name, layouts));
  if ((h.channels - 5) % 3 != 0)
    return invalid_argument("tensor '{}' has shape {}: {} channels is not 5 + 3K; expected {}", tensor_name,
                            dims_to_string(output.dims), h.channels, layouts);
  if ((h.channels - 5) / 3 > std::numeric_limits<int>::max())
    return unsupported("tensor '{}' has {} channels, too many keypoints", tensor_name, h.channels);
  h.kind = k::HeadKind::kPose;
  h.num_classes = 1;
  h.num_keypoints = static_cast<int>((h.channels - 5) / 3);
  h.threshold = params.nms.confidence_threshold;
  FOVEA_ASSIGN_OR_RETURN(Survivors s, impl_->select(h, params.nms, stream, tensor_name));
  return to_detections(s);
}

Result<BatchDetections> GpuDetectionDecoder::decode_ssd(const DeviceTensor& boxes, const DeviceTensor& scores,
                                                        const SsdParams& params, cudaStream_t stream,
                                                        const std::string& boxes_name,
                                                        const std::string& scores_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params.decoder));
  if (params.normalized_boxes && (params.input_width <= 0 || params.input_height <= 0))
    return invalid_argument("SSD normalized boxes need input_width and input_height > 0, got {}x{}",
                            params.input_width, params.input_height);
  FOVEA_RETURN_IF_ERROR(check_device_tensor(boxes, boxes_name));
  FOVEA_RETURN_IF_ERROR(check_device_tensor(scores, scores_name));
  const Dims& bd = boxes.dims;
  const Dims& sd = scores.dims;
  if (bd.size() != 3 || bd[2] != 4)
    return invalid_argument("tensor '{}' has shape {}; expected SSD boxes [B, N, 4] (x1, y1, x2, y2)", boxes_name,
                            dims_to_string(bd));
  if (sd.size() != 3 || sd[2] < 1 || sd[0] != bd[0] || sd[1] != bd[1])
    return invalid_argument("tensor '{}' has shape {}; expected SSD scores [B, N, nc] = [{}, {}, nc] to match '{}'",
                            scores_name, dims_to_string(sd), bd[0], bd[1], boxes_name);
  const int64_t nc = sd[2];
  if (params.decoder.num_classes > 0 && nc != params.decoder.num_classes)
    return invalid_argument("tensor '{}' has {} classes, num_classes is {}", scores_name, nc,
                            params.decoder.num_classes);
  if (params.background_class >= nc)
    return invalid_argument("background_class {} is not a class of tensor '{}' ({} classes)",
                            params.background_class, scores_name, nc);
  if (params.background_class >= 0 && nc == 1)
    return invalid_argument("tensor '{}' has only the background class", scores_name);
  k::HeadParams h;
  h.kind = k::HeadKind::kSsd;
  h.data = boxes.data;
  h.data_half = boxes.dtype == DType::kFloat16;
  h.scores = scores.data;
  h.scores_half = scores.dtype == DType::kFloat16;
  h.batch = bd[0];
  h.anchors = bd[1];
  h.channels = 4;
  h.channels_first = false;
  h.num_classes = nc;
  h.background_class = params.background_class;
  h.scale_x = params.normalized_boxes ? static_cast<float>(params.input_width) : 1.0f;
  h.scale_y = params.normalized_boxes ? static_cast<float>(params.input_height) : 1.0f;
  h.threshold = params.decoder.nms.confidence_threshold;
  FOVEA_ASSIGN_OR_RETURN(Survivors s, impl_->select(h, params.decoder.nms, stream, boxes_name));
  return to_detections(s);
}

Result<std::vector<size_t>> GpuDetectionDecoder::batched_nms(std::span<const BoxXYXY> boxes,
                                                             std::span<const float> scores,
                                                             std::span<const int> class_ids, float iou_threshold,
                                                             bool class_agnostic, cudaStream_t stream) {
  const size_t n = std::min(boxes.size(), scores.size());
  if (n == 0) return std::vector<size_t>{};
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    return unsupported("batched_nms on the GPU takes at most 2^31 - 1 candidates, got {}", n);
  std::vector<float> box_values(4 * n);
  std::vector<int> classes(n, 0);
  for (size_t i = 0; i < n; ++i) {
    box_values[4 * i + 0] = boxes[i].x1;
    box_values[4 * i + 1] = boxes[i].y1;
    box_values[4 * i + 2] = boxes[i].x2;
    box_values[4 * i + 3] = boxes[i].y2;
    if (!class_agnostic && i < class_ids.size()) classes[i] = class_ids[i];
  }
  float* dev_boxes = nullptr;
  float* dev_scores = nullptr;
  int* dev_classes = nullptr;
  auto carve = [&](Carver& c) {
    dev_boxes = c.take<float>(static_cast<int64_t>(4 * n));
    dev_scores = c.take<float>(static_cast<int64_t>(n));
    dev_classes = c.take<int>(static_cast<int64_t>(n));
  };
  Carver size(nullptr);
  carve(size);
  FOVEA_RETURN_IF_ERROR(impl_->upload.reserve(size.bytes()));
  Carver layout(impl_->upload.data());
  carve(layout);
  FOVEA_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(dev_boxes, box_values.data(), sizeof(float) * 4 * n, cudaMemcpyHostToDevice, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(dev_scores, scores.data(), sizeof(float) * n, cudaMemcpyHostToDevice, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(dev_classes, classes.data(), sizeof(int) * n, cudaMemcpyHostToDevice, stream));

  k::HeadParams h;
  h.kind = k::HeadKind::kCandidates;
  h.data = dev_boxes;
  h.scores = dev_scores;
  h.classes = dev_classes;
  h.batch = 1;
  h.anchors = static_cast<int64_t>(n);
  h.channels = 4;
  h.channels_first = false;
  NmsParams params;
  params.nms_threshold = iou_threshold;
  params.top_k = 0;
  params.max_detections = 0;
  params.class_agnostic = class_agnostic;
  FOVEA_ASSIGN_OR_RETURN(Survivors s, impl_->select(h, params, stream, "candidates"));
  std::vector<size_t> keep;
  if (s.cap == 0) return keep;
  keep.reserve(static_cast<size_t>(s.kept[0]));
  for (int i = 0; i < s.kept[0]; ++i) keep.push_back(static_cast<size_t>(s.records[i].anchor));
  return keep;
}

Result<std::vector<size_t>> batched_nms_device(std::span<const BoxXYXY> boxes, std::span<const float> scores,
                                               std::span<const int> class_ids, float iou_threshold,
                                               bool class_agnostic) {
  FOVEA_ASSIGN_OR_RETURN(std::unique_ptr<GpuDetectionDecoder> decoder, GpuDetectionDecoder::create());
  return decoder->batched_nms(boxes, scores, class_ids, iou_threshold, class_agnostic, nullptr);
}

}  // namespace fovea::vision::cuda
