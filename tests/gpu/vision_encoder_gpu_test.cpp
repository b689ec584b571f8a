// The CUDA image encoder against the CPU reference vision::encode_image. Tolerance: the kernel
// repeats the reference's float operations one by one without FMA contraction, so outputs must be
// identical bit for bit; each test also states the looser bound the design allows (FP32 max abs
// diff <= 1e-5, FP16 within 1 ulp) and reports both. Covered: every encoding x {bilinear, nearest}
// x {letterbox centered, top-left, stretch} x {NCHW, NHWC} x {FP32, FP16}, odd sizes and odd row
// steps, up- and down-scaling, BGR output, crop ROIs, slot k of a batch of 3 (other slots keep
// their contents), the host-upload path (staging reuse back to back, growth), 1920x1080 frames,
// and errors returned as Status.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"
#include "gpu_test_env.h"
#include "vision/cuda/gpu_image_encoder.h"
#include "vision/image_encoder.h"
#include "vision/image_format.h"

namespace fovea::vision::cuda {
namespace {

using fovea::cuda::DeviceTensor;

constexpr PixelEncoding kAllEncodings[] = {
    PixelEncoding::kRgb8,  PixelEncoding::kBgr8, PixelEncoding::kRgba8, PixelEncoding::kBgra8, PixelEncoding::kMono8,
    PixelEncoding::kMono16, PixelEncoding::kYuyv, PixelEncoding::kUyvy,  PixelEncoding::kNv12};

struct DeviceMemory {
  void* ptr = nullptr;
  explicit DeviceMemory(size_t bytes) { EXPECT_EQ(cudaMalloc(&ptr, std::max<size_t>(bytes, 1)), cudaSuccess); }
  ~DeviceMemory() { cudaFree(ptr); }
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;
};

struct HostImage {
  std::vector<uint8_t> bytes;
  ImageView view;
};

// Random bytes everywhere, row padding included; the buffer is exactly required_bytes long so a
// read past the last row's pixels would be caught by compute-sanitizer.
HostImage random_image(PixelEncoding encoding, int width, int height, size_t step_padding, uint32_t seed) {
  HostImage img;
  img.view.width = width;
  img.view.height = height;
  img.view.encoding = encoding;
  img.view.step = row_bytes(encoding, width) + step_padding;
  img.bytes.resize(required_bytes(img.view));
  std::mt19937 rng(seed);
  for (uint8_t& b : img.bytes) b = static_cast<uint8_t>(rng());
  img.view.data = img.bytes.data();
  img.view.size_bytes = img.bytes.size();
  return img;
}

// Even sizes where the encoding subsamples chroma.
void fit_subsampling(PixelEncoding e, int& w, int& h) {
  if (e == PixelEncoding::kYuyv || e == PixelEncoding::kUyvy || e == PixelEncoding::kNv12) w += w % 2;
  if (e == PixelEncoding::kNv12) h += h % 2;
}

struct DeviceImage {
  DeviceMemory memory;
  ImageView view;
  explicit DeviceImage(const HostImage& host) : memory(host.bytes.size()), view(host.view) {
    EXPECT_EQ(cudaMemcpy(memory.ptr, host.bytes.data(), host.bytes.size(), cudaMemcpyHostToDevice), cudaSuccess);
    view.data = static_cast<const uint8_t*>(memory.ptr);
  }
};

Dims batch_dims(const EncoderParams& p, int64_t n) {
  return p.output_layout == OutputLayout::kNchw ? Dims{n, 3, p.network_image_height, p.network_image_width}
                                                : Dims{n, p.network_image_height, p.network_image_width, 3};
}

// A host batch filled with a recognizable pattern, and a device copy of it.
struct Batches {
  Tensor cpu;
  DeviceMemory device_memory;
  DeviceTensor device;
  Batches(const EncoderParams& p, int64_t n)
      : cpu(Tensor::allocate(p.output_dtype, batch_dims(p, n)).value()), device_memory(cpu.nbytes()) {
    auto* bytes = static_cast<uint8_t*>(cpu.raw_data());
    for (size_t i = 0; i < cpu.nbytes(); ++i) bytes[i] = static_cast<uint8_t>(0x5a ^ (i * 13));
    EXPECT_EQ(cudaMemcpy(device_memory.ptr, cpu.raw_data(), cpu.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
    device = DeviceTensor{device_memory.ptr, p.output_dtype, cpu.dims()};
  }
  Tensor download() const {
    Tensor t = Tensor::allocate(cpu.dtype(), cpu.dims()).value();
    EXPECT_EQ(cudaMemcpy(t.raw_data(), device_memory.ptr, t.nbytes(), cudaMemcpyDeviceToHost), cudaSuccess);
    return t;
  }
};

// Distance in units in the last place between two halves (sign-magnitude to ordered integers).
int half_ulps(Half a, Half b) {
  auto ordered = [](uint16_t bits) { return (bits & 0x8000) ? -int(bits & 0x7fff) : int(bits); };
  return std::abs(ordered(a.bits) - ordered(b.bits));
}

struct Comparison {
  int64_t differing = 0;     // elements not identical bit for bit
  double max_abs_diff = 0;   // FP32
  int max_ulps = 0;          // FP16
  int64_t first_bad = -1;
};

Comparison compare(const Tensor& expected, const Tensor& actual) {
  Comparison c;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    if (expected.dtype() == DType::kFloat16) {
      const Half e = expected.data<Half>()[i], a = actual.data<Half>()[i];
      if (e.bits != a.bits) {
        ++c.differing;
        if (c.first_bad < 0) c.first_bad = i;
        c.max_ulps = std::max(c.max_ulps, half_ulps(e, a));
      }
    } else {
      const float e = expected.data<float>()[i], a = actual.data<float>()[i];
      if (std::memcmp(&e, &a, sizeof(float)) != 0) {
        ++c.differing;
        if (c.first_bad < 0) c.first_bad = i;
        c.max_abs_diff = std::max(c.max_abs_diff, std::isnan(e - a) ? 1e30 : std::fabs(double(e) - a));
      }
    }
  }
  return c;
}

std::string describe(PixelEncoding e, const EncoderParams& p, const ImageView& v, int64_t slot) {
  std::string s = std::string(encoding_name(e)) + " " + std::to_string(v.width) + "x" + std::to_string(v.height) +
                  " step " + std::to_string(v.step) + " -> " + std::to_string(p.network_image_width) + "x" +
                  std::to_string(p.network_image_height) +
                  (p.interpolation == Interpolation::kNearest ? " nearest" : " bilinear") +
                  (!p.enable_padding ? " stretch" : p.letterbox_centered ? " centered" : " top-left") +
                  (p.output_layout == OutputLayout::kNchw ? " NCHW" : " NHWC") +
                  (p.output_dtype == DType::kFloat16 ? " fp16" : " fp32") +
                  (p.output_channel_order == ChannelOrder::kBgr ? " bgr" : " rgb") + " slot " + std::to_string(slot);
  if (p.crop) {
    s += " crop(" + std::to_string(p.crop->x) + "," + std::to_string(p.crop->y) + "," + std::to_string(p.crop->width) +
         "," + std::to_string(p.crop->height) + ")";
  }
  return s;
}

void expect_same_transform(const LetterboxTransform& a, const LetterboxTransform& b, const std::string& what) {
  EXPECT_EQ(a.scale_x, b.scale_x) << what;
  EXPECT_EQ(a.scale_y, b.scale_y) << what;
  EXPECT_EQ(a.pad_x, b.pad_x) << what;
  EXPECT_EQ(a.pad_y, b.pad_y) << what;
  EXPECT_EQ(a.crop_x, b.crop_x) << what;
  EXPECT_EQ(a.crop_y, b.crop_y) << what;
  EXPECT_EQ(a.src_w, b.src_w) << what;
  EXPECT_EQ(a.src_h, b.src_h) << what;
}

// Encodes `image` into slot `slot` of a batch of 3 on the CPU, on the device from device memory
// and through GpuImageEncoder from host memory; all three batches must be identical.
void check_against_cpu(const HostImage& image, const EncoderParams& params, int64_t slot, GpuImageEncoder& encoder,
                       cudaStream_t stream) {
  const std::string what = describe(image.view.encoding, params, image.view, slot);
  Batches from_device(params, 3), from_host(params, 3);
  Tensor cpu = from_device.cpu;  // same initial pattern in all three
  auto cpu_t = encode_image(image.view, params, cpu, slot);
  ASSERT_TRUE(cpu_t.is_ok()) << what << ": " << cpu_t.status().to_string();

  DeviceImage device_image(image);
  auto dev_t = encode_image_device(device_image.view, params, from_device.device, slot, stream);
  ASSERT_TRUE(dev_t.is_ok()) << what << ": " << dev_t.status().to_string();
  auto host_t = encoder.encode_host_image(image.view, params, from_host.device, slot, stream);
  ASSERT_TRUE(host_t.is_ok()) << what << ": " << host_t.status().to_string();
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess) << what;
  expect_same_transform(cpu_t.value(), dev_t.value(), what);
  expect_same_transform(cpu_t.value(), host_t.value(), what);

  for (const auto& [name, batch] : {std::pair{"device image", &from_device}, std::pair{"host image", &from_host}}) {
    const Comparison c = compare(cpu, batch->download());
    // The bound the design allows, then the exactness the kernel is built for.
    if (params.output_dtype == DType::kFloat16) {
      EXPECT_LE(c.max_ulps, 1) << what << " (" << name << ")";
    } else {
      EXPECT_LE(c.max_abs_diff, 1e-5) << what << " (" << name << ")";
    }
    EXPECT_EQ(c.differing, 0) << what << " (" << name << "): first differing element " << c.first_bad
                              << ", max abs diff " << c.max_abs_diff << ", max fp16 ulps " << c.max_ulps;
  }
}

EncoderParams imagenet_params(int net_w, int net_h) {
  EncoderParams p;
  p.network_image_width = net_w;
  p.network_image_height = net_h;
  p.image_mean = {0.485f, 0.456f, 0.406f};
  p.image_stddev = {0.229f, 0.224f, 0.225f};
  return p;
}

struct Stream {
  cudaStream_t s = nullptr;
  Stream() { EXPECT_EQ(cudaStreamCreate(&s), cudaSuccess); }
  ~Stream() { cudaStreamDestroy(s); }
};

TEST(VisionEncoderGpu, EveryEncodingInterpolationPlacementLayoutAndDtype) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  uint32_t seed = 1;
  int64_t cases = 0;
  for (PixelEncoding e : kAllEncodings) {
    int w = 37, h = 23;
    fit_subsampling(e, w, h);
    // An odd step padding (3 bytes) and a 2x-upscaling / downscaling pair of network sizes.
    const HostImage image = random_image(e, w, h, 3, seed++);
    for (auto [net_w, net_h] : {std::pair{45, 31}, std::pair{17, 29}}) {
      for (Interpolation interp : {Interpolation::kBilinear, Interpolation::kNearest}) {
        for (int placement = 0; placement < 3; ++placement) {
          for (OutputLayout layout : {OutputLayout::kNchw, OutputLayout::kNhwc}) {
            for (DType dtype : {DType::kFloat32, DType::kFloat16}) {
              EncoderParams p = imagenet_params(net_w, net_h);
              p.interpolation = interp;
              p.enable_padding = placement != 2;
              p.letterbox_centered = placement == 0;
              p.output_layout = layout;
              p.output_dtype = dtype;
              p.output_channel_order = (cases % 3 == 1) ? ChannelOrder::kBgr : ChannelOrder::kRgb;
              check_against_cpu(image, p, cases % 3, encoder, stream.s);
              ++cases;
              if (::testing::Test::HasFatalFailure()) return;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 9 * 2 * 2 * 3 * 2 * 2);
}

TEST(VisionEncoderGpu, ScaleMeanPadAndUnusualSteps) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  uint32_t seed = 100;
  for (PixelEncoding e : kAllEncodings) {
    for (size_t padding : {size_t{0}, size_t{1}, size_t{64}}) {
      int w = 1, h = 1;
      fit_subsampling(e, w, h);
      for (auto [iw, ih] : {std::pair{w, h}, std::pair{w + 2, h + 6}, std::pair{64, 2}}) {
        const HostImage image = random_image(e, iw, ih, padding, seed++);
        EncoderParams p;
        p.network_image_width = 33;
        p.network_image_height = 19;
        p.scale = 1.0f;  // raw 0..255 values, YOLO-style mean / std in pixel units
        p.image_mean = {123.675f, 116.28f, 103.53f};
        p.image_stddev = {58.395f, 57.12f, 57.375f};
        p.pad_value = 0.0f;
        p.output_dtype = seed % 2 ? DType::kFloat16 : DType::kFloat32;
        p.output_layout = seed % 3 ? OutputLayout::kNchw : OutputLayout::kNhwc;
        check_against_cpu(image, p, seed % 3, encoder, stream.s);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(VisionEncoderGpu, CropRegions) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  uint32_t seed = 200;
  for (PixelEncoding e : kAllEncodings) {
    const HostImage image = random_image(e, 40, 30, 5, seed++);
    // Odd offsets (nv12 chroma rows start mid-pair), the last row and column, a single pixel.
    for (CropRoi crop : {CropRoi{5, 3, 20, 15}, CropRoi{0, 0, 40, 30}, CropRoi{11, 17, 29, 13},
                         CropRoi{39, 29, 1, 1}, CropRoi{2, 1, 7, 28}}) {
      for (Interpolation interp : {Interpolation::kBilinear, Interpolation::kNearest}) {
        EncoderParams p = imagenet_params(24, 24);
        p.crop = crop;
        p.interpolation = interp;
        p.letterbox_centered = crop.x % 2 == 1;
        p.output_dtype = crop.y % 2 ? DType::kFloat16 : DType::kFloat32;
        check_against_cpu(image, p, 2, encoder, stream.s);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(VisionEncoderGpu, FullHdFrames) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  uint32_t seed = 300;
  for (PixelEncoding e : {PixelEncoding::kBgr8, PixelEncoding::kNv12, PixelEncoding::kYuyv, PixelEncoding::kRgba8}) {
    const HostImage image = random_image(e, 1920, 1080, e == PixelEncoding::kRgba8 ? 128 : 0, seed++);
    EncoderParams p = imagenet_params(640, 640);
    p.scale = 1.0f / 255.0f;
    p.image_mean = {0, 0, 0};
    p.image_stddev = {1, 1, 1};
    p.output_dtype = e == PixelEncoding::kNv12 ? DType::kFloat32 : DType::kFloat16;
    p.output_layout = e == PixelEncoding::kYuyv ? OutputLayout::kNhwc : OutputLayout::kNchw;
    p.interpolation = e == PixelEncoding::kRgba8 ? Interpolation::kNearest : Interpolation::kBilinear;
    check_against_cpu(image, p, 1, encoder, stream.s);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Back-to-back host uploads with no synchronization between them, a larger frame growing the
// staging after a smaller one, then a smaller one again: each slot must hold its own frame.
TEST(VisionEncoderGpu, HostUploadsBackToBack) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  EncoderParams p = imagenet_params(64, 48);
  p.output_dtype = DType::kFloat16;
  const HostImage small = random_image(PixelEncoding::kBgr8, 100, 80, 0, 400);
  const HostImage large = random_image(PixelEncoding::kBgr8, 640, 480, 16, 401);
  HostImage reused = random_image(PixelEncoding::kBgr8, 100, 80, 0, 402);
  Batches gpu(p, 3);
  Tensor cpu = gpu.cpu;
  ASSERT_TRUE(encoder.encode_host_image(small.view, p, gpu.device, 0, stream.s).is_ok());
  ASSERT_TRUE(encoder.encode_host_image(large.view, p, gpu.device, 1, stream.s).is_ok());
  EXPECT_EQ(encoder.last_upload_bytes(), required_bytes(large.view));
  ASSERT_TRUE(encoder.encode_host_image(reused.view, p, gpu.device, 2, stream.s).is_ok());
  // The caller may overwrite its frame as soon as the call returns.
  const std::vector<uint8_t> reused_original = reused.bytes;
  std::fill(reused.bytes.begin(), reused.bytes.end(), uint8_t{0});
  ASSERT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
  reused.bytes = reused_original;
  reused.view.data = reused.bytes.data();
  ASSERT_TRUE(encode_image(small.view, p, cpu, 0).is_ok());
  ASSERT_TRUE(encode_image(large.view, p, cpu, 1).is_ok());
  ASSERT_TRUE(encode_image(reused.view, p, cpu, 2).is_ok());
  const Comparison c = compare(cpu, gpu.download());
  EXPECT_EQ(c.differing, 0) << "first differing element " << c.first_bad;
}

TEST(VisionEncoderGpu, CropUploadsOnlyItsRows) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  const HostImage image = random_image(PixelEncoding::kNv12, 64, 40, 0, 500);
  EncoderParams p = imagenet_params(16, 16);
  p.crop = CropRoi{8, 9, 16, 10};  // luma rows 9..18, chroma rows 4..9
  Batches gpu(p, 1);
  ASSERT_TRUE(encoder.encode_host_image(image.view, p, gpu.device, 0, stream.s).is_ok());
  ASSERT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
  EXPECT_EQ(encoder.last_upload_bytes(), size_t{9 * 64 + 64} + size_t{5 * 64 + 64});
}

// encode_host_image_no_copy: DMA straight from a page-locked frame, the staged path for a
// pageable one; both equal the CPU encoder.
TEST(VisionEncoderGpu, NoCopyUploadFromPinnedFrames) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  const HostImage pageable = random_image(PixelEncoding::kNv12, 320, 240, 8, 700);
  void* pinned_memory = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned_memory, pageable.bytes.size()), cudaSuccess);
  std::memcpy(pinned_memory, pageable.bytes.data(), pageable.bytes.size());
  ImageView pinned_view = pageable.view;
  pinned_view.data = static_cast<const uint8_t*>(pinned_memory);
  for (bool cropped : {false, true}) {
    EncoderParams p = imagenet_params(96, 64);
    p.output_dtype = DType::kFloat16;
    if (cropped) p.crop = CropRoi{31, 17, 200, 151};
    Batches gpu(p, 2);
    Tensor cpu = gpu.cpu;
    ASSERT_TRUE(encoder.encode_host_image_no_copy(pinned_view, p, gpu.device, 0, stream.s).is_ok());
    EXPECT_TRUE(encoder.last_upload_was_direct());
    ASSERT_TRUE(encoder.encode_host_image_no_copy(pageable.view, p, gpu.device, 1, stream.s).is_ok());
    EXPECT_FALSE(encoder.last_upload_was_direct());
    ASSERT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
    ASSERT_TRUE(encode_image(pageable.view, p, cpu, 0).is_ok());
    ASSERT_TRUE(encode_image(pageable.view, p, cpu, 1).is_ok());
    const Comparison c = compare(cpu, gpu.download());
    EXPECT_EQ(c.differing, 0) << (cropped ? "cropped" : "whole") << ": first differing element " << c.first_bad;
  }
  cudaFreeHost(pinned_memory);
}

// Not a pass/fail benchmark: prints median and p99 of the 1920x1080 bgr8 -> 640x640 FP16 NCHW
// letterbox encode (kernel only from device memory; staged upload + kernel from pageable host
// memory; direct upload + kernel from pinned host memory), CUDA events around each call.
TEST(VisionEncoderGpu, ReportsFullHdEncodeTime) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  const HostImage image = random_image(PixelEncoding::kBgr8, 1920, 1080, 0, 800);
  DeviceImage device_image(image);
  void* pinned_memory = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned_memory, image.bytes.size()), cudaSuccess);
  std::memcpy(pinned_memory, image.bytes.data(), image.bytes.size());
  ImageView pinned_view = image.view;
  pinned_view.data = static_cast<const uint8_t*>(pinned_memory);
  EncoderParams p = imagenet_params(640, 640);
  p.output_dtype = DType::kFloat16;
  Batches gpu(p, 1);
  cudaEvent_t start, stop;
  ASSERT_EQ(cudaEventCreate(&start), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&stop), cudaSuccess);
  auto measure = [&](const char* name, auto&& encode) {
    std::vector<float> ms;
    for (int i = 0; i < 220; ++i) {
      ASSERT_EQ(cudaEventRecord(start, stream.s), cudaSuccess);
      ASSERT_TRUE(encode().is_ok());
      ASSERT_EQ(cudaEventRecord(stop, stream.s), cudaSuccess);
      ASSERT_EQ(cudaEventSynchronize(stop), cudaSuccess);
      float t = 0;
      ASSERT_EQ(cudaEventElapsedTime(&t, start, stop), cudaSuccess);
      if (i >= 20) ms.push_back(t);  // warm-up
    }
    std::sort(ms.begin(), ms.end());
    std::printf("[ encode 1920x1080 bgr8 -> 640x640 fp16 ] %-34s median %.4f ms  p99 %.4f ms\n", name,
                ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
  };
  measure("kernel (frame in device memory)", [&] { return encode_image_device(device_image.view, p, gpu.device, 0, stream.s); });
  measure("pageable host frame (staged)", [&] { return encoder.encode_host_image(image.view, p, gpu.device, 0, stream.s); });
  measure("pinned host frame (no copy)", [&] { return encoder.encode_host_image_no_copy(pinned_view, p, gpu.device, 0, stream.s); });
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFreeHost(pinned_memory);
}

// Every invalid input comes back as a Status naming the field; nothing is launched.
TEST(VisionEncoderGpu, ErrorsAreStatuses) {
  FOVEA_REQUIRE_GPU();
  Stream stream;
  GpuImageEncoder encoder;
  const HostImage image = random_image(PixelEncoding::kRgb8, 20, 10, 0, 600);
  DeviceImage device_image(image);
  EncoderParams p = imagenet_params(16, 16);
  Batches batches(p, 2);

  auto expect_error = [&](const ImageView& host_view, const ImageView& device_view, const EncoderParams& params,
                          const DeviceTensor& batch, int64_t slot, const std::string& needle) {
    auto a = encoder.encode_host_image(host_view, params, batch, slot, stream.s);
    auto b = encode_image_device(device_view, params, batch, slot, stream.s);
    ASSERT_FALSE(a.is_ok()) << needle;
    ASSERT_FALSE(b.is_ok()) << needle;
    EXPECT_NE(a.status().to_string().find(needle), std::string::npos) << a.status().to_string();
    EXPECT_NE(b.status().to_string().find(needle), std::string::npos) << b.status().to_string();
  };
  ImageView bad_host = image.view, bad_device = device_image.view;
  bad_host.step = bad_device.step = 59;  // a row of 20 rgb8 pixels needs 60
  expect_error(bad_host, bad_device, p, batches.device, 0, "image.step");
  bad_host = image.view, bad_device = device_image.view;
  bad_host.size_bytes = bad_device.size_bytes = image.bytes.size() - 1;
  expect_error(bad_host, bad_device, p, batches.device, 0, "image.size_bytes");
  bad_host = image.view, bad_device = device_image.view;
  bad_host.width = bad_device.width = 0;
  expect_error(bad_host, bad_device, p, batches.device, 0, "image.width");
  bad_host = image.view, bad_device = device_image.view;
  bad_host.encoding = bad_device.encoding = PixelEncoding::kYuyv;
  bad_host.width = bad_device.width = 15;  // odd width for 4:2:2
  expect_error(bad_host, bad_device, p, batches.device, 0, "image.width");
  bad_host = image.view, bad_device = device_image.view;
  bad_host.data = bad_device.data = nullptr;
  expect_error(bad_host, bad_device, p, batches.device, 0, "image.data");

  EncoderParams crop_outside = p;
  crop_outside.crop = CropRoi{10, 5, 11, 5};  // one column past the right edge
  expect_error(image.view, device_image.view, crop_outside, batches.device, 0, "params.crop");
  EncoderParams bad_std = p;
  bad_std.image_stddev[1] = 0.0f;
  expect_error(image.view, device_image.view, bad_std, batches.device, 0, "params.image_stddev[1]");

  expect_error(image.view, device_image.view, p, batches.device, 2, "slot 2");
  expect_error(image.view, device_image.view, p, batches.device, -1, "slot -1");
  DeviceTensor wrong_dims = batches.device;
  wrong_dims.dims = {2, 3, 16, 15};
  expect_error(image.view, device_image.view, p, wrong_dims, 0, "batch_tensor has shape");
  DeviceTensor wrong_rank = batches.device;
  wrong_rank.dims = {3, 16, 16};
  expect_error(image.view, device_image.view, p, wrong_rank, 0, "batch_tensor has shape");
  DeviceTensor wrong_dtype = batches.device;
  wrong_dtype.dtype = DType::kFloat16;
  expect_error(image.view, device_image.view, p, wrong_dtype, 0, "dtype");
  DeviceTensor no_memory = batches.device;
  no_memory.data = nullptr;
  expect_error(image.view, device_image.view, p, no_memory, 0, "batch");

  // The batch is untouched by all of the above, and a good call still works afterwards.
  ASSERT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
  EXPECT_EQ(compare(batches.cpu, batches.download()).differing, 0);
  EXPECT_TRUE(encoder.encode_host_image(image.view, p, batches.device, 1, stream.s).is_ok());
  EXPECT_EQ(cudaStreamSynchronize(stream.s), cudaSuccess);
}

}  // namespace
}  // namespace fovea::vision::cuda
