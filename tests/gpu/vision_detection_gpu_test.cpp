// The GPU detection decoders and NMS (vision/cuda/gpu_detection_decoder.h) against the CPU
// references (vision/yolo_decoder.h, vision/nms.h) on random heads: the same detections in the
// same order, boxes and scores bit for bit (NaN compared as NaN), every head and layout, B = 1
// and 4, float32 and float16, parameter edge cases and the errors. Skips without a GPU.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "gpu_test_env.h"
#include "vision/cuda/gpu_detection_decoder.h"
#include "vision/nms.h"
#include "vision/yolo_decoder.h"

namespace fovea::vision::cuda {
namespace {

using fovea::cuda::DeviceTensor;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A host tensor and its device copy.
class DeviceCopy {
 public:
  explicit DeviceCopy(Tensor t) : host_(std::move(t)) {
    if (host_.nbytes() > 0) {
      EXPECT_EQ(cudaMalloc(&dev_, host_.nbytes()), cudaSuccess);
      EXPECT_EQ(cudaMemcpy(dev_, host_.raw_data(), host_.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
    }
  }
  DeviceCopy(const DeviceCopy&) = delete;
  DeviceCopy& operator=(const DeviceCopy&) = delete;
  ~DeviceCopy() {
    if (dev_) cudaFree(dev_);
  }
  const Tensor& host() const { return host_; }
  DeviceTensor view() const { return {dev_, host_.dtype(), host_.dims()}; }

 private:
  Tensor host_;
  void* dev_ = nullptr;
};

// A tensor of `dims` and dtype (float32 or float16) holding `values` (row-major).
Tensor make_tensor(const std::vector<float>& values, Dims dims, DType dtype) {
  auto t = Tensor::allocate(dtype, std::move(dims));
  EXPECT_TRUE(t.is_ok());
  Tensor out = std::move(t).value();
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::kFloat16) out.data<Half>()[i] = float_to_half(values[i]);
    else out.data<float>()[i] = values[i];
  }
  return out;
}

// A head [B, C, N] (channels_first) or [B, N, C] whose value(b, c, n) is gen(c) drawn in
// logical order, so both layouts of one seed hold the same numbers.
Tensor make_head(int64_t batch, int64_t channels, int64_t anchors, bool channels_first, DType dtype,
                 std::mt19937& rng, const std::function<float(int64_t, std::mt19937&)>& gen) {
  std::vector<float> logical(static_cast<size_t>(batch * channels * anchors));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t n = 0; n < anchors; ++n)
      for (int64_t c = 0; c < channels; ++c) logical[(b * channels + c) * anchors + n] = gen(c, rng);
  if (channels_first) return make_tensor(logical, {batch, channels, anchors}, dtype);
  std::vector<float> t(logical.size());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t n = 0; n < anchors; ++n) t[(b * anchors + n) * channels + c] = logical[(b * channels + c) * anchors + n];
  return make_tensor(t, {batch, anchors, channels}, dtype);
}

// Box coordinates clustered on a half-pixel grid (many overlaps, exact IoU ties), with some
// arbitrary floats (rounding of w / 2), zero and negative sizes, and rare NaN.
float box_value(int64_t c, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const uint32_t r = rng() % 40;
  if (c < 2) {
    const float center = 40.0f + 60.0f * static_cast<float>(rng() % 10);
    float jitter = static_cast<float>(static_cast<int>(rng() % 33) - 16) * 0.5f;
    if (r < 10) jitter += u(rng) * 3.0f - 1.5f;
    if (r == 39 && rng() % 50 == 0) return kNaN;
    return center + jitter;
  }
  if (r == 0) return 0.0f;
  if (r == 1) return -5.0f;
  if (r < 10) return 1.0f + u(rng) * 150.0f;
  return 10.0f + 1.5f * static_cast<float>(rng() % 60);
}

// Scores: mostly small, `hot` of them anywhere in [0, 1]; quantized to 1/32 so exact ties
// between anchors and between classes are common; rare NaN, 0 and -0.
float score_value(double hot, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const uint32_t r = rng() % 2000;
  if (r == 0) return kNaN;
  if (r == 1) return -0.0f;
  if (r == 2) return 0.0f;
  if (u(rng) < hot) return static_cast<float>(rng() % 33) / 32.0f;
  if (r < 40) return static_cast<float>(u(rng) * 0.2);
  return static_cast<float>(rng() % 8) / 64.0f;
}

bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
}

bool same_detection(const Detection& a, const Detection& b) {
  if (!same_float(a.x1, b.x1) || !same_float(a.y1, b.y1) || !same_float(a.x2, b.x2) || !same_float(a.y2, b.y2) ||
      !same_float(a.score, b.score) || a.class_id != b.class_id || a.batch_index != b.batch_index ||
      a.keypoints.size() != b.keypoints.size())
    return false;
  for (size_t i = 0; i < a.keypoints.size(); ++i)
    if (!same_float(a.keypoints[i], b.keypoints[i])) return false;
  return true;
}

// Fails at the first difference; returns the number of detections compared.
size_t expect_same(const Result<BatchDetections>& cpu, const Result<BatchDetections>& gpu) {
  EXPECT_TRUE(cpu.is_ok()) << cpu.status().to_string();
  EXPECT_TRUE(gpu.is_ok()) << gpu.status().to_string();
  if (!cpu.is_ok() || !gpu.is_ok()) return 0;
  EXPECT_EQ(cpu->size(), gpu->size());
  if (cpu->size() != gpu->size()) return 0;
  size_t compared = 0;
  for (size_t b = 0; b < cpu->size(); ++b) {
    const auto& c = (*cpu)[b];
    const auto& g = (*gpu)[b];
    EXPECT_EQ(c.size(), g.size()) << "image " << b;
    for (size_t i = 0; i < std::min(c.size(), g.size()); ++i) {
      if (!same_detection(c[i], g[i])) {
        ADD_FAILURE() << "image " << b << " detection " << i << ": cpu " << detection_to_string(c[i]) << ", gpu "
                      << detection_to_string(g[i]);
        return compared;
      }
      ++compared;
    }
  }
  return compared;
}

void expect_same_error(const Status& cpu, const Status& gpu) {
  EXPECT_FALSE(cpu.is_ok());
  EXPECT_FALSE(gpu.is_ok());
  EXPECT_EQ(cpu.code(), gpu.code());
  EXPECT_EQ(cpu.message(), gpu.message());
}

class VisionDetectionGpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gpu_test::have_gpu()) GTEST_SKIP() << "no GPU";
    ASSERT_EQ(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), cudaSuccess);
    auto d = GpuDetectionDecoder::create();
    ASSERT_TRUE(d.is_ok()) << d.status().to_string();
    decoder_ = std::move(d).value();
  }
  void TearDown() override {
    decoder_.reset();
    if (stream_) cudaStreamDestroy(stream_);
  }

  cudaStream_t stream_ = nullptr;
  std::unique_ptr<GpuDetectionDecoder> decoder_;
};

// The NMS settings every head is checked under: defaults, class-agnostic, low and high IoU
// thresholds, top_k and max_detections at and around tile boundaries.
std::vector<NmsParams> nms_variants() {
  std::vector<NmsParams> v;
  NmsParams p;
  v.push_back(p);  // 0.25 / 0.45 / top_k 0 / max 300
  p.class_agnostic = true;
  v.push_back(p);
  p = NmsParams{};
  p.nms_threshold = 0.0f;
  p.max_detections = 0;
  v.push_back(p);
  p = NmsParams{};
  p.nms_threshold = 1.0f;
  p.top_k = 65;
  p.max_detections = -1;
  v.push_back(p);
  p = NmsParams{};
  p.confidence_threshold = 0.5f;
  p.top_k = 130;
  p.max_detections = 64;
  v.push_back(p);
  p = NmsParams{};
  p.confidence_threshold = 0.0f;  // -0 and 0 scores are not candidates, tiny ones are
  p.nms_threshold = 0.7f;
  p.max_detections = 1;
  v.push_back(p);
  return v;
}

std::string describe(const NmsParams& p) {
  return fmt::format("conf {} iou {} top_k {} max {} agnostic {}", p.confidence_threshold, p.nms_threshold, p.top_k,
                     p.max_detections, p.class_agnostic);
}

TEST_F(VisionDetectionGpuTest, Yolov8MatchesCpuEveryLayoutBatchAndPrecision) {
  size_t compared = 0;
  uint32_t seed = 100;
  for (int64_t batch : {1, 4}) {
    for (bool channels_first : {true, false}) {
      for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
        const int64_t nc = 80, anchors = batch == 1 ? 8400 : 2100;
        std::mt19937 rng(++seed);
        DeviceCopy head(make_head(batch, 4 + nc, anchors, channels_first, dtype, rng, [](int64_t c, std::mt19937& r) {
          return c < 4 ? box_value(c, r) : score_value(0.002, r);
        }));
        for (const NmsParams& nms : nms_variants()) {
          for (int num_classes : {-1, 80}) {
            SCOPED_TRACE(fmt::format("B {} channels_first {} {} nc {} {}", batch, channels_first, dtype_name(dtype),
                                     num_classes, describe(nms)));
            DecoderParams p;
            p.nms = nms;
            p.num_classes = num_classes;
            compared += expect_same(decode_yolov8(head.host(), p, "out0"),
                                    decoder_->decode_yolov8(head.view(), p, stream_, "out0"));
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 1000u);  // the comparison is not vacuous
}

TEST_F(VisionDetectionGpuTest, Yolov8DenseCandidatesAndSquareHead) {
  // Every anchor a candidate (threshold -1: scores 0 and -0 tie), and N == 4 + nc (read as
  // channels-first, as the CPU does).
  std::mt19937 rng(7);
  DeviceCopy dense(make_head(2, 6, 3000, true, DType::kFloat32, rng, [](int64_t c, std::mt19937& r) {
    return c < 4 ? box_value(c, r) : score_value(0.3, r);
  }));
  DeviceCopy square(make_head(1, 12, 12, true, DType::kFloat16, rng, [](int64_t c, std::mt19937& r) {
    return c < 4 ? box_value(c, r) : score_value(0.5, r);
  }));
  for (bool agnostic : {false, true}) {
    DecoderParams p;
    p.nms.confidence_threshold = -1.0f;
    p.nms.max_detections = 0;
    p.nms.class_agnostic = agnostic;
    EXPECT_GT(expect_same(decode_yolov8(dense.host(), p), decoder_->decode_yolov8(dense.view(), p, stream_)), 100u);
    expect_same(decode_yolov8(square.host(), p), decoder_->decode_yolov8(square.view(), p, stream_));
  }
}

TEST_F(VisionDetectionGpuTest, Yolov5MatchesCpu) {
  size_t compared = 0;
  uint32_t seed = 200;
  for (int64_t batch : {1, 4}) {
    for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
      const int64_t nc = 80, anchors = batch == 1 ? 25200 : 6300;
      std::mt19937 rng(++seed);
      DeviceCopy head(make_head(batch, 5 + nc, anchors, false, dtype, rng, [](int64_t c, std::mt19937& r) {
        if (c < 4) return box_value(c, r);
        return c == 4 ? score_value(0.2, r) : score_value(0.01, r);
      }));
      for (const NmsParams& nms : nms_variants()) {
        SCOPED_TRACE(fmt::format("B {} {} {}", batch, dtype_name(dtype), describe(nms)));
        DecoderParams p;
        p.nms = nms;
        compared += expect_same(decode_yolov5(head.host(), p), decoder_->decode_yolov5(head.view(), p, stream_));
      }
    }
  }
  EXPECT_GT(compared, 1000u);
}

TEST_F(VisionDetectionGpuTest, PoseMatchesCpuWithKeypoints) {
  size_t compared = 0;
  uint32_t seed = 300;
  for (int64_t batch : {1, 4}) {
    for (bool channels_first : {true, false}) {
      for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
        std::mt19937 rng(++seed);
        DeviceCopy head(make_head(batch, 5 + 3 * 17, 8400, channels_first, dtype, rng, [](int64_t c, std::mt19937& r) {
          if (c < 4) return box_value(c, r);
          if (c == 4) return score_value(0.05, r);
          return static_cast<float>(r() % 100000) / 97.0f;  // keypoint x, y, conf
        }));
        for (const NmsParams& nms : nms_variants()) {
          for (int k : {-1, 17}) {
            SCOPED_TRACE(fmt::format("B {} channels_first {} {} K {} {}", batch, channels_first, dtype_name(dtype), k,
                                     describe(nms)));
            DecoderParams p;
            p.nms = nms;
            compared += expect_same(decode_yolov8_pose(head.host(), p, k),
                                    decoder_->decode_yolov8_pose(head.view(), p, k, stream_));
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 1000u);
}

TEST_F(VisionDetectionGpuTest, SsdMatchesCpu) {
  size_t compared = 0;
  uint32_t seed = 400;
  for (int64_t batch : {1, 4}) {
    for (DType box_type : {DType::kFloat32, DType::kFloat16}) {
      for (DType score_type : {DType::kFloat32, DType::kFloat16}) {
        const int64_t anchors = 3000, nc = 21;
        std::mt19937 rng(++seed);
        // Normalized boxes on a 1/64 grid (x1, y1, then x2, y2 usually beyond them).
        std::vector<float> box_values(static_cast<size_t>(batch * anchors * 4));
        for (size_t i = 0; i < box_values.size(); i += 4) {
          const float x = static_cast<float>(rng() % 48) / 64.0f, y = static_cast<float>(rng() % 48) / 64.0f;
          box_values[i] = x;
          box_values[i + 1] = y;
          box_values[i + 2] = x + static_cast<float>(rng() % 20) / 64.0f - (rng() % 30 == 0 ? 0.1f : 0.0f);
          box_values[i + 3] = y + static_cast<float>(rng() % 20) / 64.0f + (rng() % 7 == 0 ? 0.013f : 0.0f);
        }
        std::vector<float> score_values(static_cast<size_t>(batch * anchors * nc));
        for (float& s : score_values) s = score_value(0.01, rng);
        DeviceCopy boxes(make_tensor(box_values, {batch, anchors, 4}, box_type));
        DeviceCopy scores(make_tensor(score_values, {batch, anchors, nc}, score_type));
        for (const NmsParams& nms : nms_variants()) {
          for (int background : {-1, 0}) {
            for (bool normalized : {true, false}) {
              SCOPED_TRACE(fmt::format("B {} boxes {} scores {} background {} normalized {} {}", batch,
                                       dtype_name(box_type), dtype_name(score_type), background, normalized,
                                       describe(nms)));
              SsdParams p;
              p.decoder.nms = nms;
              p.background_class = background;
              p.normalized_boxes = normalized;
              p.input_width = 640;
              p.input_height = 480;
              compared += expect_same(decode_ssd(boxes.host(), scores.host(), p, "bx", "sc"),
                                      decoder_->decode_ssd(boxes.view(), scores.view(), p, stream_, "bx", "sc"));
            }
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 1000u);
}

TEST_F(VisionDetectionGpuTest, TopKAndMaxDetectionsEdges) {
  std::mt19937 rng(11);
  DeviceCopy head(make_head(2, 7, 700, true, DType::kFloat32, rng, [](int64_t c, std::mt19937& r) {
    return c < 4 ? box_value(c, r) : score_value(0.4, r);
  }));
  for (int top_k : {-3, 0, 1, 2, 63, 64, 65, 128, 699, 700, 701, 100000}) {
    for (int max_det : {-1, 0, 1, 63, 64, 65, 1000}) {
      SCOPED_TRACE(fmt::format("top_k {} max_detections {}", top_k, max_det));
      DecoderParams p;
      p.nms.confidence_threshold = 0.1f;
      p.nms.top_k = top_k;
      p.nms.max_detections = max_det;
      expect_same(decode_yolov8(head.host(), p), decoder_->decode_yolov8(head.view(), p, stream_));
    }
  }
  // No candidate at all: every image empty.
  DecoderParams none;
  none.nms.confidence_threshold = 1.0f;
  auto r = decoder_->decode_yolov8(head.view(), none, stream_);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].empty() && (*r)[1].empty());
}

TEST_F(VisionDetectionGpuTest, EmptyTensors) {
  DecoderParams p;
  p.num_classes = 80;
  DeviceCopy no_anchors(make_tensor({}, {3, 84, 0}, DType::kFloat32));
  DeviceCopy no_images(make_tensor({}, {0, 84, 8400}, DType::kFloat16));
  expect_same(decode_yolov8(no_anchors.host(), p), decoder_->decode_yolov8(no_anchors.view(), p, stream_));
  expect_same(decode_yolov8(no_images.host(), p), decoder_->decode_yolov8(no_images.view(), p, stream_));
  auto r = decoder_->decode_yolov8(no_anchors.view(), p, stream_);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->size(), 3u);
  DeviceCopy v5(make_tensor({}, {2, 0, 85}, DType::kFloat32));
  expect_same(decode_yolov5(v5.host(), p), decoder_->decode_yolov5(v5.view(), p, stream_));
  // Without num_classes, [1, 84, 0] reads as [B, N, C] with 0 channels: the same error as the CPU.
  DecoderParams inferred;
  expect_same_error(decode_yolov8(no_anchors.host(), inferred).status(),
                    decoder_->decode_yolov8(no_anchors.view(), inferred, stream_).status());
  EXPECT_TRUE(batched_nms_device({}, {}, {}, 0.5f, false).is_ok());
}

TEST_F(VisionDetectionGpuTest, ErrorsMatchCpuAndNameTheTensor) {
  DecoderParams p;
  DeviceCopy rank2(make_tensor(std::vector<float>(84 * 10), {84, 10}, DType::kFloat32));
  DeviceCopy narrow(make_tensor(std::vector<float>(3 * 10), {1, 3, 10}, DType::kFloat32));
  DeviceCopy ints(Tensor::from_vector<int32_t>(std::vector<int32_t>(84 * 10), {1, 84, 10}));
  expect_same_error(decode_yolov8(rank2.host(), p, "head").status(),
                    decoder_->decode_yolov8(rank2.view(), p, stream_, "head").status());
  expect_same_error(decode_yolov8(narrow.host(), p, "head").status(),
                    decoder_->decode_yolov8(narrow.view(), p, stream_, "head").status());
  auto bad_dtype = decoder_->decode_yolov8(ints.view(), p, stream_, "head");
  expect_same_error(decode_yolov8(ints.host(), p, "head").status(), bad_dtype.status());
  EXPECT_NE(bad_dtype.status().message().find("'head'"), std::string::npos);
  DecoderParams wrong_nc;
  wrong_nc.num_classes = 3;
  DeviceCopy head(make_tensor(std::vector<float>(84 * 10), {1, 84, 10}, DType::kFloat32));
  expect_same_error(decode_yolov8(head.host(), wrong_nc, "head").status(),
                    decoder_->decode_yolov8(head.view(), wrong_nc, stream_, "head").status());
  expect_same_error(decode_yolov5(head.host(), wrong_nc, "head").status(),
                    decoder_->decode_yolov5(head.view(), wrong_nc, stream_, "head").status());
  DeviceCopy v5_narrow(make_tensor(std::vector<float>(50), {1, 10, 5}, DType::kFloat32));
  expect_same_error(decode_yolov5(v5_narrow.host(), p, "head").status(),
                    decoder_->decode_yolov5(v5_narrow.view(), p, stream_, "head").status());
  DeviceCopy pose(make_tensor(std::vector<float>(9 * 100), {1, 9, 100}, DType::kFloat32));  // 9 - 5 not 3K
  expect_same_error(decode_yolov8_pose(pose.host(), p, -1, "kp").status(),
                    decoder_->decode_yolov8_pose(pose.view(), p, -1, stream_, "kp").status());
  expect_same_error(decode_yolov8_pose(head.host(), p, 0, "kp").status(),
                    decoder_->decode_yolov8_pose(head.view(), p, 0, stream_, "kp").status());
  DecoderParams bad_params;
  bad_params.nms.nms_threshold = 1.5f;
  expect_same_error(decode_yolov8(head.host(), bad_params).status(),
                    decoder_->decode_yolov8(head.view(), bad_params, stream_).status());
  DeviceCopy ssd_boxes(make_tensor(std::vector<float>(40), {1, 10, 4}, DType::kFloat32));
  DeviceCopy ssd_scores(make_tensor(std::vector<float>(33), {1, 11, 3}, DType::kFloat32));
  DeviceCopy ssd_one(make_tensor(std::vector<float>(10), {1, 10, 1}, DType::kFloat32));
  SsdParams sp;
  sp.input_width = sp.input_height = 320;
  expect_same_error(decode_ssd(ssd_boxes.host(), ssd_scores.host(), sp).status(),
                    decoder_->decode_ssd(ssd_boxes.view(), ssd_scores.view(), sp, stream_).status());
  sp.background_class = 0;
  expect_same_error(decode_ssd(ssd_boxes.host(), ssd_one.host(), sp).status(),
                    decoder_->decode_ssd(ssd_boxes.view(), ssd_one.view(), sp, stream_).status());
  sp.input_width = 0;
  expect_same_error(decode_ssd(ssd_boxes.host(), ssd_one.host(), sp).status(),
                    decoder_->decode_ssd(ssd_boxes.view(), ssd_one.view(), sp, stream_).status());
  // The decoder still works after errors.
  DecoderParams ok;
  ok.nms.confidence_threshold = -1.0f;
  expect_same(decode_yolov8(head.host(), ok), decoder_->decode_yolov8(head.view(), ok, stream_));
}

TEST_F(VisionDetectionGpuTest, ManyAnchorsTakeTheCountedMaskPath) {
  // 60000 anchors: the worst-case mask (60000^2 / 8 bytes) exceeds the budget, so the decoder
  // reads the real counts first; with every anchor a candidate it refuses, naming the tensor.
  std::mt19937 rng(13);
  DeviceCopy head(make_head(1, 5, 60000, true, DType::kFloat32, rng, [](int64_t c, std::mt19937& r) {
    return c < 4 ? box_value(c, r) : static_cast<float>(r() % 1000) / 1000.0f;
  }));
  DecoderParams p;
  p.nms.confidence_threshold = 0.9f;  // about 6000 candidates
  p.nms.max_detections = 0;
  EXPECT_GT(expect_same(decode_yolov8(head.host(), p), decoder_->decode_yolov8(head.view(), p, stream_)), 100u);
  p.nms.confidence_threshold = 0.0f;
  p.nms.top_k = 3000;  // bounded worst case: no extra synchronization
  EXPECT_GT(expect_same(decode_yolov8(head.host(), p), decoder_->decode_yolov8(head.view(), p, stream_)), 100u);
  p.nms.top_k = 0;
  auto too_many = decoder_->decode_yolov8(head.view(), p, stream_, "big");
  ASSERT_FALSE(too_many.is_ok());
  EXPECT_NE(too_many.status().message().find("'big'"), std::string::npos) << too_many.status().to_string();
  EXPECT_NE(too_many.status().message().find("top_k"), std::string::npos);
}

// Random NMS candidates: coordinates on a coarse grid (exact IoU ties with the threshold), few
// score levels (many exact ties), duplicates, zero-size and inverted boxes, NaN scores and
// coordinates.
struct Candidates {
  std::vector<BoxXYXY> boxes;
  std::vector<float> scores;
  std::vector<int> classes;
};

Candidates random_candidates(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pos(0, 60), size(0, 25), level(0, 40), cls(0, 4), kind(0, 99);
  Candidates c;
  c.boxes.resize(n);
  c.scores.resize(n);
  c.classes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int k = kind(rng);
    if (k < 10 && i > 0) {  // a duplicate of an earlier box (score and class drawn anew)
      c.boxes[i] = c.boxes[rng() % i];
    } else {
      const float x = static_cast<float>(pos(rng)) * 2, y = static_cast<float>(pos(rng)) * 2;
      c.boxes[i] = {x, y, x + static_cast<float>(size(rng)) * 2, y + static_cast<float>(size(rng)) * 2};
      if (k == 10) std::swap(c.boxes[i].x1, c.boxes[i].x2);  // inverted
      if (k == 11) c.boxes[i].y2 = kNaN;
    }
    c.scores[i] = k == 12 ? kNaN : static_cast<float>(level(rng)) / 40.0f;
    c.classes[i] = cls(rng);
  }
  return c;
}

TEST_F(VisionDetectionGpuTest, BatchedNmsMatchesCpuOnRandomCandidates) {
  size_t kept_total = 0;
  uint32_t seed = 500;
  for (size_t n : {size_t{1}, size_t{2}, size_t{63}, size_t{64}, size_t{65}, size_t{129}, size_t{1000}, size_t{5000},
                   size_t{6500}}) {
    const Candidates c = random_candidates(n, ++seed);
    for (float threshold : {0.0f, 0.3f, 0.5f, 0.7f, 1.0f}) {
      for (bool agnostic : {false, true}) {
        SCOPED_TRACE(fmt::format("n {} iou {} agnostic {}", n, threshold, agnostic));
        const std::vector<size_t> want = batched_nms(c.boxes, c.scores, c.classes, threshold, agnostic);
        auto got = decoder_->batched_nms(c.boxes, c.scores, c.classes, threshold, agnostic, stream_);
        ASSERT_TRUE(got.is_ok()) << got.status().to_string();
        ASSERT_EQ(*got, want);
        kept_total += want.size();
      }
    }
  }
  EXPECT_GT(kept_total, 10000u);
  // Fewer class ids than boxes (missing ones read as class 0), more scores than boxes.
  Candidates c = random_candidates(300, 77);
  std::vector<int> short_classes(c.classes.begin(), c.classes.begin() + 100);
  c.scores.push_back(1.0f);
  auto got = batched_nms_device(c.boxes, c.scores, short_classes, 0.5f, false);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(*got, batched_nms(c.boxes, c.scores, short_classes, 0.5f, false));
}

TEST_F(VisionDetectionGpuTest, AllTiesAndIdenticalBoxes) {
  // 5000 identical boxes with equal scores: the lowest index survives per class.
  const size_t n = 5000;
  std::vector<BoxXYXY> boxes(n, BoxXYXY{10, 10, 50, 50});
  std::vector<float> scores(n, 0.5f);
  std::vector<int> classes(n);
  for (size_t i = 0; i < n; ++i) classes[i] = static_cast<int>((i * 7) % 3);
  for (bool agnostic : {false, true}) {
    auto got = decoder_->batched_nms(boxes, scores, classes, 0.5f, agnostic, stream_);
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(*got, batched_nms(boxes, scores, classes, 0.5f, agnostic));
    EXPECT_EQ(got->size(), agnostic ? 1u : 3u);
  }
  // Degenerate (zero-area) identical boxes: IoU is NaN, nothing is suppressed.
  std::vector<BoxXYXY> points(200, BoxXYXY{5, 5, 5, 5});
  std::vector<float> point_scores(200, 0.25f);
  auto got = decoder_->batched_nms(points, point_scores, {}, 0.0f, true, stream_);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->size(), 200u);
  EXPECT_EQ(*got, batched_nms(points, point_scores, {}, 0.0f, true));
}

// Not a pass/fail bound: reports decode + NMS time of a YOLOv8n-sized head (1 x 84 x 8400,
// FP16, default parameters), host wall time per call including the download and sync.
TEST_F(VisionDetectionGpuTest, ReportsYolov8DecodeTime) {
  std::mt19937 rng(17);
  DeviceCopy head(make_head(1, 84, 8400, true, DType::kFloat16, rng, [](int64_t c, std::mt19937& r) {
    return c < 4 ? box_value(c, r) : score_value(0.001, r);
  }));
  DecoderParams p;
  std::vector<double> ms;
  size_t detections = 0;
  for (int i = 0; i < 220; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = decoder_->decode_yolov8(head.view(), p, stream_);
    const auto t1 = std::chrono::steady_clock::now();
    ASSERT_TRUE(r.is_ok());
    detections = (*r)[0].size();
    if (i >= 20) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2], p99 = ms[ms.size() * 99 / 100];
  std::printf("[ gpudet ] decode_yolov8 1x84x8400 fp16: median %.3f ms, p99 %.3f ms, %zu detections\n", median, p99,
              detections);
  RecordProperty("decode_median_ms", std::to_string(median));
  RecordProperty("decode_p99_ms", std::to_string(p99));
}

}  // namespace
}  // namespace fovea::vision::cuda
