// The CUDA classification and segmentation decoders against the CPU references
// (vision::decode_classification, decode_segmentation, resize_mask_nearest, colorize_mask).
// Classification: same ids in the same order, probabilities within 1e-6 relative (the device
// computes exp in double and rounds once; glibc's expf may differ by an ulp). Segmentation: masks
// and colours equal byte for byte. Random tensors with many exact ties, NaN / inf entries, C = 1
// (sigmoid threshold), C = 21, C = 1000, B = 2, float16 inputs, uint8 and int32 masks.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"
#include "gpu_test_env.h"
#include "vision/classification_decoder.h"
#include "vision/cuda/gpu_classification_decoder.h"
#include "vision/cuda/gpu_segmentation_decoder.h"
#include "vision/cuda/sigmoid_threshold.h"
#include "vision/segmentation_decoder.h"

namespace fovea::vision::cuda {
namespace {

using fovea::cuda::DeviceTensor;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// A host tensor of the values (as float32 or float16) and its device copy.
struct TensorPair {
  Tensor host;
  void* device_memory = nullptr;
  DeviceTensor device;
  TensorPair(const std::vector<float>& values, Dims dims, DType dtype) {
    if (dtype == DType::kFloat16) {
      std::vector<Half> h(values.size());
      for (size_t i = 0; i < values.size(); ++i) h[i] = float_to_half(values[i]);
      host = Tensor::from_vector(h, dims);
    } else {
      host = Tensor::from_vector(values, dims);
    }
    EXPECT_EQ(cudaMalloc(&device_memory, std::max<size_t>(host.nbytes(), 1)), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(device_memory, host.raw_data(), host.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
    device = DeviceTensor{device_memory, dtype, dims};
  }
  ~TensorPair() { cudaFree(device_memory); }
  TensorPair(const TensorPair&) = delete;
  TensorPair& operator=(const TensorPair&) = delete;
};

struct Stream {
  cudaStream_t s = nullptr;
  Stream() { EXPECT_EQ(cudaStreamCreate(&s), cudaSuccess); }
  ~Stream() { cudaStreamDestroy(s); }
};

// Values drawn from a handful of levels (many exact ties) or continuous, with optional specials.
std::vector<float> random_logits(size_t n, bool ties, uint32_t seed, float spread = 8.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-spread, spread);
  std::uniform_int_distribution<int> level(0, 3);
  std::vector<float> v(n);
  for (float& x : v) x = ties ? 0.5f * level(rng) : u(rng);
  return v;
}

bool close_rel(float expected, float actual, double rel) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  if (expected == actual) return true;  // infinities, zeros
  return std::fabs(double(expected) - actual) <= rel * std::fabs(double(expected)) + 1e-30;
}

void check_classification(const std::vector<float>& values, Dims dims, DType dtype, const ClassificationParams& params,
                          cudaStream_t stream, const std::string& what) {
  TensorPair t(values, dims, dtype);
  auto cpu = decode_classification(t.host, params);
  ASSERT_TRUE(cpu.is_ok()) << what << ": " << cpu.status().to_string();
  auto gpu = decode_classification_device(t.device, params, stream);
  ASSERT_TRUE(gpu.is_ok()) << what << ": " << gpu.status().to_string();
  ASSERT_EQ(cpu.value().size(), gpu.value().size()) << what;
  for (size_t b = 0; b < cpu.value().size(); ++b) {
    const auto& e = cpu.value()[b];
    const auto& a = gpu.value()[b];
    ASSERT_EQ(e.size(), a.size()) << what << " row " << b;
    for (size_t i = 0; i < e.size(); ++i) {
      EXPECT_EQ(e[i].class_id, a[i].class_id) << what << " row " << b << " rank " << i;
      EXPECT_TRUE(close_rel(e[i].score, a[i].score, 1e-6))
          << what << " row " << b << " rank " << i << ": cpu " << e[i].score << " gpu " << a[i].score;
    }
  }
}

TEST(VisionClassificationGpu, MatchesCpuOnRandomScores) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  uint32_t seed = 1;
  for (int64_t classes : {1, 2, 5, 21, 1000, 1001}) {
    for (int64_t batch : {1, 2, 7}) {
      for (bool ties : {false, true}) {
        for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
          for (int top_k : {1, 5, 1000, 2000}) {
            for (bool probabilities : {false, true}) {
              ClassificationParams p;
              p.top_k = top_k;
              p.inputs_are_probabilities = probabilities;
              const bool rank4 = seed % 2 == 0;
              const Dims dims = rank4 ? Dims{batch, classes, 1, 1} : Dims{batch, classes};
              const std::string what = "C=" + std::to_string(classes) + " B=" + std::to_string(batch) +
                                       (ties ? " ties" : "") + (dtype == DType::kFloat16 ? " fp16" : " fp32") +
                                       " k=" + std::to_string(top_k) + (probabilities ? " probabilities" : " logits") +
                                       (rank4 ? " [B,C,1,1]" : " [B,C]");
              check_classification(random_logits(static_cast<size_t>(batch * classes), ties, seed++), dims, dtype, p,
                                   stream.s, what);
              if (::testing::Test::HasFatalFailure()) return;
            }
          }
        }
      }
    }
  }
}

// Large logits (no overflow thanks to the max subtraction), NaN first / elsewhere, infinities,
// all-equal rows, signed zeros: the CPU's order and NaN propagation.
TEST(VisionClassificationGpu, SpecialValues) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  const std::vector<std::vector<float>> rows = {
      {1000.0f, 999.0f, 1000.0f, -1000.0f, 998.5f},
      {kNan, 1.0f, 2.0f, 3.0f, 0.0f},
      {1.0f, kNan, 2.0f, 3.0f, 0.0f},
      {1.0f, kInf, 2.0f, -kInf, 0.0f},
      {-kInf, -kInf, -kInf, -kInf, -kInf},
      {0.25f, 0.25f, 0.25f, 0.25f, 0.25f},
      {-0.0f, 0.0f, -0.0f, 0.0f, -1.0f},
  };
  for (bool probabilities : {false, true}) {
    for (size_t r = 0; r < rows.size(); ++r) {
      ClassificationParams p;
      p.top_k = 5;
      p.inputs_are_probabilities = probabilities;
      check_classification(rows[r], {1, 5}, DType::kFloat32, p, stream.s,
                           "special row " + std::to_string(r) + (probabilities ? " probabilities" : ""));
    }
  }
  // All rows in one batch, fp16 too.
  std::vector<float> all;
  for (const auto& row : rows) all.insert(all.end(), row.begin(), row.end());
  ClassificationParams p;
  p.top_k = 3;
  check_classification(all, {int64_t(rows.size()), 5}, DType::kFloat16, p, stream.s, "special rows fp16 batch");
}

TEST(VisionClassificationGpu, Errors) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  TensorPair t(std::vector<float>(6, 1.0f), {2, 3}, DType::kFloat32);
  ClassificationParams p;
  p.top_k = 0;
  EXPECT_FALSE(decode_classification_device(t.device, p, stream.s).is_ok());
  p.top_k = 5;
  DeviceTensor bad = t.device;
  bad.dims = {2, 3, 1};
  auto r = decode_classification_device(bad, p, stream.s, "logits");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("'logits'"), std::string::npos) << r.status().to_string();
  bad = t.device;
  bad.dtype = DType::kInt32;
  EXPECT_FALSE(decode_classification_device(bad, p, stream.s).is_ok());
  bad = t.device;
  bad.data = nullptr;
  EXPECT_FALSE(decode_classification_device(bad, p, stream.s).is_ok());
  bad = t.device;
  bad.dims = {0, 3};
  auto empty = decode_classification_device(bad, p, stream.s);
  ASSERT_TRUE(empty.is_ok());
  EXPECT_TRUE(empty.value().empty());
}

// ---- segmentation ----

void expect_equal_bytes(const Tensor& expected, const Tensor& actual, const std::string& what) {
  ASSERT_EQ(expected.dtype(), actual.dtype()) << what;
  ASSERT_EQ(expected.dims(), actual.dims()) << what;
  const auto* e = static_cast<const uint8_t*>(expected.raw_data());
  const auto* a = static_cast<const uint8_t*>(actual.raw_data());
  size_t differing = 0, first = 0;
  for (size_t i = 0; i < expected.nbytes(); ++i) {
    if (e[i] != a[i] && differing++ == 0) first = i;
  }
  EXPECT_EQ(differing, 0u) << what << ": first differing byte " << first;
}

void check_segmentation(const std::vector<float>& values, Dims dims, DType dtype, const SegmentationParams& params,
                        cudaStream_t stream, const std::string& what) {
  TensorPair t(values, dims, dtype);
  auto cpu = decode_segmentation(t.host, params);
  ASSERT_TRUE(cpu.is_ok()) << what << ": " << cpu.status().to_string();
  auto gpu = decode_segmentation_to_host(t.device, params, stream);
  ASSERT_TRUE(gpu.is_ok()) << what << ": " << gpu.status().to_string();
  expect_equal_bytes(cpu.value(), gpu.value(), what + " mask");

  // Nearest resize up, down and to odd sizes, from the device mask.
  auto device_mask = decode_segmentation_device(t.device, params, stream);
  ASSERT_TRUE(device_mask.is_ok()) << what;
  for (auto [oh, ow] : {std::pair<int64_t, int64_t>{dims[2] * 3 + 1, dims[3] * 2 - 1}, {3, 5}, {dims[2], dims[3]}}) {
    auto cpu_resized = resize_mask_nearest(cpu.value(), oh, ow);
    ASSERT_TRUE(cpu_resized.is_ok()) << what;
    auto gpu_resized = resize_mask_nearest_device(device_mask.value().tensor, oh, ow, stream);
    ASSERT_TRUE(gpu_resized.is_ok()) << what;
    auto downloaded = download_tensor(gpu_resized.value().tensor, stream);
    ASSERT_TRUE(downloaded.is_ok()) << what;
    expect_equal_bytes(cpu_resized.value(), downloaded.value(), what + " resized");
    auto via_host_call = decode_segmentation_to_host(t.device, params, stream, oh, ow);
    ASSERT_TRUE(via_host_call.is_ok()) << what;
    expect_equal_bytes(cpu_resized.value(), via_host_call.value(), what + " decode+resize");
  }
  // Colours.
  auto cpu_rgb = colorize_mask(cpu.value());
  ASSERT_TRUE(cpu_rgb.is_ok()) << what;
  auto gpu_rgb = colorize_mask_to_host(device_mask.value().tensor, stream);
  ASSERT_TRUE(gpu_rgb.is_ok()) << what << ": " << gpu_rgb.status().to_string();
  expect_equal_bytes(cpu_rgb.value(), gpu_rgb.value(), what + " colours");
  auto gpu_rgb_device = colorize_mask_device(device_mask.value().tensor, stream);
  ASSERT_TRUE(gpu_rgb_device.is_ok()) << what;
  auto rgb_downloaded = download_tensor(gpu_rgb_device.value().tensor, stream);
  ASSERT_TRUE(rgb_downloaded.is_ok()) << what;
  expect_equal_bytes(cpu_rgb.value(), rgb_downloaded.value(), what + " colours (device)");
}

TEST(VisionSegmentationGpu, ArgmaxMatchesCpu) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  uint32_t seed = 10;
  for (int64_t classes : {2, 3, 21, 300}) {
    for (int64_t batch : {1, 2}) {
      for (bool ties : {false, true}) {
        for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
          for (DType mask_dtype : {DType::kUInt8, DType::kInt32}) {
            if (classes > 256 && mask_dtype == DType::kUInt8) continue;
            SegmentationParams p;
            p.mask_dtype = mask_dtype;
            const Dims dims{batch, classes, 13, 17};
            std::vector<float> v = random_logits(static_cast<size_t>(element_count(dims)), ties, seed++);
            if (seed % 3 == 0) {  // NaNs, in class 0 and elsewhere
              v[0] = kNan;
              v[v.size() / 2] = kNan;
              v[v.size() - 1] = kInf;
            }
            const std::string what = "C=" + std::to_string(classes) + " B=" + std::to_string(batch) +
                                     (ties ? " ties" : "") + (dtype == DType::kFloat16 ? " fp16" : " fp32") +
                                     (mask_dtype == DType::kInt32 ? " int32 mask" : " uint8 mask");
            check_segmentation(v, dims, dtype, p, stream.s, what);
            if (::testing::Test::HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

// C == 1: logits right at the threshold's boundary (the found logit and its float neighbours)
// decide exactly as the CPU's float sigmoid does.
TEST(VisionSegmentationGpu, SigmoidThresholdMatchesCpu) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  uint32_t seed = 50;
  for (float threshold : {0.5f, 0.3f, 0.9f, 0.999f, 0.0f, 1.0f, -0.1f, 1e-7f}) {
    std::vector<float> v = random_logits(2 * 11 * 19, false, seed++, 4.0f);
    const std::optional<float> boundary = min_logit_above_sigmoid_threshold(threshold);
    size_t i = 0;
    if (boundary) {
      float below = *boundary, above = *boundary;
      for (int step = 0; step < 40 && i + 1 < v.size(); ++step) {
        v[i++] = below;
        v[i++] = above;
        below = std::nextafter(below, -kInf);
        above = std::nextafter(above, kInf);
      }
    }
    v[i++] = kNan;
    v[i++] = kInf;
    v[i++] = -kInf;
    v[i++] = -0.0f;
    for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
      SegmentationParams p;
      p.sigmoid_threshold = threshold;
      check_segmentation(v, {2, 1, 11, 19}, dtype, p, stream.s,
                         "C=1 threshold " + std::to_string(threshold) + (dtype == DType::kFloat16 ? " fp16" : ""));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Host-only: the searched boundary separates passing from failing logits, and the host sigmoid
// is monotone around it.
TEST(VisionSegmentationGpu, SigmoidBoundarySearch) {
  for (float threshold : {0.5f, 0.1f, 0.9f, 0.99999f, 0.0f, 1e-30f, -1.0f, 1.0f, 2.0f, kNan}) {
    const std::optional<float> b = min_logit_above_sigmoid_threshold(threshold);
    const bool none_passes = !(reference_sigmoid(kInf) > threshold);
    ASSERT_EQ(b.has_value(), !none_passes) << threshold;
    if (!b) continue;
    EXPECT_TRUE(reference_sigmoid(*b) > threshold) << threshold;
    if (*b != -kInf) {
      EXPECT_FALSE(reference_sigmoid(std::nextafter(*b, -kInf)) > threshold) << threshold;
    }
    float x = *b;
    for (int i = 0; i < 2000 && x != -kInf; ++i) {
      x = std::nextafter(x, -kInf);
      EXPECT_FALSE(reference_sigmoid(x) > threshold) << threshold << " at " << x;
    }
    x = *b;
    for (int i = 0; i < 2000 && x != kInf; ++i) {
      x = std::nextafter(x, kInf);
      EXPECT_TRUE(reference_sigmoid(x) > threshold) << threshold << " at " << x;
    }
  }
}

TEST(VisionSegmentationGpu, ColorizeWrapsIdsAndReportsNegatives) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  std::vector<int32_t> ids(2 * 5 * 7);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int32_t>(i * 37 % 700);
  Tensor host = Tensor::from_vector(ids, {2, 5, 7});
  void* dev = nullptr;
  ASSERT_EQ(cudaMalloc(&dev, host.nbytes()), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dev, host.raw_data(), host.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
  DeviceTensor mask{dev, DType::kInt32, {2, 5, 7}};
  auto cpu = colorize_mask(host);
  auto gpu = colorize_mask_to_host(mask, stream.s);
  ASSERT_TRUE(cpu.is_ok());
  ASSERT_TRUE(gpu.is_ok()) << gpu.status().to_string();
  expect_equal_bytes(cpu.value(), gpu.value(), "ids up to 699");

  ids[40] = -3;
  ids[12] = -1;
  host = Tensor::from_vector(ids, {2, 5, 7});
  ASSERT_EQ(cudaMemcpy(dev, host.raw_data(), host.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
  auto cpu_bad = colorize_mask(host);
  auto gpu_bad = colorize_mask_to_host(mask, stream.s);
  ASSERT_FALSE(cpu_bad.is_ok());
  ASSERT_FALSE(gpu_bad.is_ok());
  EXPECT_EQ(cpu_bad.status().to_string(), gpu_bad.status().to_string());
  cudaFree(dev);
}

TEST(VisionSegmentationGpu, Errors) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  TensorPair t(std::vector<float>(2 * 300 * 2 * 2, 0.0f), {2, 300, 2, 2}, DType::kFloat32);
  SegmentationParams p;  // uint8 mask cannot hold 300 classes
  EXPECT_FALSE(decode_segmentation_device(t.device, p, stream.s).is_ok());
  p.mask_dtype = DType::kInt32;
  EXPECT_TRUE(decode_segmentation_device(t.device, p, stream.s).is_ok());
  p.mask_dtype = DType::kFloat32;
  EXPECT_FALSE(decode_segmentation_device(t.device, p, stream.s).is_ok());
  p.mask_dtype = DType::kInt32;
  DeviceTensor bad = t.device;
  bad.dims = {2, 300, 4};
  auto r = decode_segmentation_device(bad, p, stream.s, "seg_logits");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("'seg_logits'"), std::string::npos);
  // Wrong output for the _into form.
  auto mask = decode_segmentation_device(t.device, p, stream.s);
  ASSERT_TRUE(mask.is_ok());
  DeviceTensor wrong = mask.value().tensor;
  wrong.dims = {2, 2, 3};
  EXPECT_FALSE(decode_segmentation_into(t.device, p, wrong, stream.s).is_ok());
  EXPECT_FALSE(resize_mask_nearest_device(mask.value().tensor, 0, 5, stream.s).is_ok());
  DeviceTensor not_mask = t.device;  // float32 [B, C, H, W]
  EXPECT_FALSE(resize_mask_nearest_device(not_mask, 4, 4, stream.s).is_ok());
  EXPECT_FALSE(colorize_mask_device(not_mask, stream.s).is_ok());
  EXPECT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
}

}  // namespace
}  // namespace fovea::vision::cuda
