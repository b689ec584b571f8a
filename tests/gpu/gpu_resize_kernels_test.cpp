// Resize on the GPU through the kernel entry the engine calls, against the CPU reference:
// nearest (a copy) bit for bit on every fast path — "runs" (NHWC channel vectors, 16/8/4/2-byte
// words), "rows" (NCHW, 16-byte or scalar stores), integer up- and downsampling, 5-D — and on
// the generic fallback (non-integer scales, align_corners, unaligned views). Linear: the fast
// path is compared bit for bit with the generic kernel on the same buffers (same formula, same
// order), and both with the CPU reference within the output precision. Each case states the
// path the host planning picks for its shapes and buffer offsets.
#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backends/cuda/kernels/resize_fast_paths.h"
#include "backends/cuda/resize_params.h"
#include "ops/resize_geometry.h"
#include "gpu_single_node_run.h"
#include "gpu_test_env.h"

namespace fovea::cuda {
namespace {

namespace k = kernels;

enum class Path { kNearestRuns, kNearestRows, kLinearFast, kGeneric };

const char* path_name(Path p) {
  switch (p) {
    case Path::kNearestRuns: return "nearest runs";
    case Path::kNearestRows: return "nearest rows";
    case Path::kLinearFast: return "linear fast";
    case Path::kGeneric: return "generic";
  }
  return "?";
}

struct ResizeCase {
  std::string label;
  DType dtype;
  Dims in;
  std::vector<float> scales;  // empty: `sizes` gives the output
  std::vector<int64_t> sizes;
  std::string mode = "nearest", transform = "asymmetric", rounding = "floor";
  Path path;
  int64_t detail = 0;  // runs: word bytes; rows: chunk; linear: channel group (0: not checked)
  size_t in_offset = 0, out_offset = 0;
  std::vector<float> roi = {};
  float extrapolation = 0.f;
};

std::vector<Attribute> attributes(const ResizeCase& c) {
  return {{"mode", c.mode},
          {"coordinate_transformation_mode", c.transform},
          {"nearest_mode", c.rounding},
          {"extrapolation_value", c.extrapolation}};
}

// The node's inputs after X, as Resize-13 takes them.
struct ResizeInputsHost {
  Tensor roi, scales, sizes;
  std::vector<const Tensor*> list;
  explicit ResizeInputsHost(const ResizeCase& c) {
    roi = Tensor::from_vector<float>(c.roi, {static_cast<int64_t>(c.roi.size())});
    list.push_back(&roi);
    if (!c.scales.empty()) {
      scales = Tensor::from_vector<float>(c.scales, {static_cast<int64_t>(c.scales.size())});
      list.push_back(&scales);
    } else {
      sizes = Tensor::from_vector<int64_t>(c.sizes, {static_cast<int64_t>(c.sizes.size())});
      list.push_back(nullptr);
      list.push_back(&sizes);
    }
  }
};

// The kernel launch_resize picks for these params and buffer addresses, and its detail.
Path planned_path(const k::ResizeParams& p, uintptr_t in, uintptr_t out, int64_t* detail) {
  k::NearestFastPlan n;
  if (k::plan_resize_nearest_fast(p, in, out, &n)) {
    *detail = n.kind == k::NearestFastKind::kRuns ? n.word_bytes : n.chunk;
    return n.kind == k::NearestFastKind::kRuns ? Path::kNearestRuns : Path::kNearestRows;
  }
  k::LinearFastPlan l;
  if (k::plan_resize_linear_fast(p, in, out, &l)) {
    *detail = l.group;
    return Path::kLinearFast;
  }
  *detail = 0;
  return Path::kGeneric;
}

// The launcher parameters run_resize builds for the case (output dims from the shared geometry).
Result<k::ResizeParams> params_of(const ResizeCase& c, const ResizeInputsHost& h) {
  Graph graph;
  Node* node = graph.add_node("n", "Resize");
  node->attributes = attributes(c);
  const Tensor* scales = c.scales.empty() ? nullptr : &h.scales;
  const Tensor* sizes = c.sizes.empty() ? nullptr : &h.sizes;
  FOVEA_ASSIGN_OR_RETURN(ResizeAttributes attrs, parse_resize_attributes(*node, 13));
  FOVEA_ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(*node, attrs, c.in, &h.roi, scales, sizes));
  return make_resize_params(*node, 13, c.dtype, c.in, g.output, &h.roi, scales, sizes);
}

void expect_planned_path(const ResizeCase& c) {
  const ResizeInputsHost h(c);
  auto p = params_of(c, h);
  ASSERT_TRUE(p.is_ok()) << c.label << ": " << p.status().to_string();
  const uintptr_t base = 0x1000;  // aligned; only the offsets matter to the planning
  int64_t detail = 0;
  const Path path = planned_path(*p, base + c.in_offset, base + c.out_offset, &detail);
  EXPECT_EQ(path, c.path) << c.label << ": planned " << path_name(path);
  if (c.detail != 0) {
    EXPECT_EQ(detail, c.detail) << c.label << ": " << path_name(path);
  }
}

float element_as_float(const Tensor& t, int64_t i) {
  return t.dtype() == DType::kFloat16 ? half_to_float(t.data<Half>()[i]) : t.data<float>()[i];
}

// launch_resize (fast path) and launch_resize_generic on the same device buffers: same bits.
void expect_fast_matches_generic(const k::ResizeParams& p, const Tensor& x, const Dims& out_dims, size_t in_offset,
                                 size_t out_offset) {
  const size_t out_bytes = static_cast<size_t>(element_count(out_dims)) * dtype_size(x.dtype());
  gpu_test::OffsetDeviceBuffer din(x.nbytes(), in_offset), fast(out_bytes, out_offset), generic(out_bytes, out_offset);
  ASSERT_EQ(cudaMemcpy(din.ptr, x.raw_data(), x.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(k::launch_resize(p, din.ptr, fast.ptr, nullptr), cudaSuccess);
  ASSERT_EQ(k::launch_resize_generic(p, din.ptr, generic.ptr, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  Tensor a = *Tensor::allocate(x.dtype(), out_dims), b = *Tensor::allocate(x.dtype(), out_dims);
  ASSERT_EQ(cudaMemcpy(a.raw_data(), fast.ptr, out_bytes, cudaMemcpyDeviceToHost), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(b.raw_data(), generic.ptr, out_bytes, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(gpu_test::first_byte_mismatch(a, b), -1) << "fast path and generic kernel differ";
}

void check(const ResizeCase& c, uint32_t seed) {
  SCOPED_TRACE(c.label);
  const Tensor x = gpu_test::random_tensor(c.dtype, c.in, seed);
  const ResizeInputsHost h(c);
  const gpu_test::SingleNodeRun r = gpu_test::run_single_node("Resize", x, h.list, attributes(c), 13, c.in_offset,
                                                              c.out_offset);
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  const Dims& out_dims = r.cpu_output.dims();
  auto p = params_of(c, h);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_planned_path(c);

  if (c.mode == "nearest") {
    EXPECT_EQ(gpu_test::first_byte_mismatch(r.gpu_output, r.cpu_output), -1) << "nearest must copy exactly";
    return;
  }
  // Linear: the CPU reference rounds through float32 (float16 data) or sums in another order;
  // the GPU sums in double and rounds once to float. One unit of the output precision.
  const float tol = c.dtype == DType::kFloat16 ? 2e-3f : 1e-6f;
  for (int64_t i = 0; i < r.cpu_output.numel(); ++i) {
    const float want = element_as_float(r.cpu_output, i), got = element_as_float(r.gpu_output, i);
    ASSERT_NEAR(got, want, tol * std::max(1.f, std::abs(want))) << "element " << i;
  }
  expect_fast_matches_generic(*p, x, out_dims, c.in_offset, c.out_offset);
}

const ResizeCase kNearestRuns[] = {
    // The YOLOv8 neck's upsample in the NHWC engine (smaller maps, batch > 1 and 1).
    {"fp16 nhwc C=64 2x", DType::kFloat16, {4, 10, 10, 64}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRuns, 16},
    {"fp16 nhwc C=128 2x batch 1", DType::kFloat16, {1, 10, 10, 128}, {1, 2, 2, 1}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRuns, 16},
    {"fp32 nhwc C=3", DType::kFloat32, {2, 5, 6, 3}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRuns, 4},
    {"fp16 nhwc C=4", DType::kFloat16, {2, 5, 7, 4}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRuns, 8},
    {"fp16 nhwc C=3", DType::kFloat16, {2, 5, 7, 3}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRuns, 2},
    {"uint8 nhwc C=64 3x2 half_pixel", DType::kUInt8, {2, 4, 5, 64}, {1, 3, 2, 1}, {}, "nearest", "half_pixel",
     "round_prefer_floor", Path::kNearestRuns, 16},
    {"int64 nhwc C=5", DType::kInt64, {2, 3, 4, 5}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRuns, 8},
    {"fp16 nhwc C=64 unaligned in", DType::kFloat16, {2, 6, 6, 64}, {1, 2, 2, 1}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRuns, 2, 2, 0},
    {"fp16 nhwc C=64 out offset 4", DType::kFloat16, {2, 6, 6, 64}, {1, 2, 2, 1}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRuns, 4, 0, 4},
    {"fp16 ndhwc C=16 2x2x2", DType::kFloat16, {1, 3, 4, 5, 16}, {1, 2, 2, 2, 1}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRuns, 16},
    {"fp32 nhwc downsample 2x", DType::kFloat32, {2, 8, 10, 8}, {1, 0.5f, 0.5f, 1}, {}, "nearest", "half_pixel",
     "round_prefer_floor", Path::kNearestRuns, 16},
    {"fp16 nhwc sizes 2x", DType::kFloat16, {2, 7, 9, 32}, {}, {2, 14, 18, 32}, "nearest", "half_pixel",
     "round_prefer_ceil", Path::kNearestRuns, 16},
};

TEST(GpuResizeKernels, NearestNhwcRuns) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 1;
  for (const ResizeCase& c : kNearestRuns) check(c, seed++);
}

const ResizeCase kNearestRows[] = {
    {"fp16 nchw 2x, rows of 40", DType::kFloat16, {2, 16, 20, 20}, {1, 1, 2, 2}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRows, 8},
    {"fp16 nchw 2x batch 1", DType::kFloat16, {1, 32, 8, 12}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 8},
    {"fp16 nchw 2x, rows of 20 (scalar)", DType::kFloat16, {2, 16, 10, 10}, {1, 1, 2, 2}, {}, "nearest",
     "asymmetric", "floor", Path::kNearestRows, 1},
    {"fp32 nchw 3x", DType::kFloat32, {2, 3, 7, 8}, {1, 1, 3, 3}, {}, "nearest", "half_pixel", "round_prefer_floor",
     Path::kNearestRows, 4},
    {"uint8 nchw 2x", DType::kUInt8, {2, 3, 8, 8}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 16},
    {"int64 nchw 2x", DType::kInt64, {1, 2, 3, 5}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 2},
    {"nhwc C=1 is rows", DType::kFloat16, {2, 9, 7, 1}, {1, 2, 2, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 1},
    {"fp32 nchw downsample 2x", DType::kFloat32, {1, 3, 8, 10}, {1, 1, 0.5f, 0.5f}, {}, "nearest", "asymmetric",
     "floor", Path::kNearestRows, 1},
    {"fp16 ncdhw 2x2x2", DType::kFloat16, {1, 2, 3, 4, 8}, {1, 1, 2, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 8},
    {"fp16 nchw unaligned out", DType::kFloat16, {2, 16, 20, 20}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 1, 0, 2},
    {"fp16 nchw unaligned in", DType::kFloat16, {2, 16, 20, 20}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", "floor",
     Path::kNearestRows, 8, 2, 0},
};

TEST(GpuResizeKernels, NearestNchwRows) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 100;
  for (const ResizeCase& c : kNearestRows) check(c, seed++);
}

const ResizeCase kNearestGeneric[] = {
    {"fp16 nhwc 1.5x", DType::kFloat16, {2, 6, 6, 16}, {1, 1.5f, 1.5f, 1}, {}, "nearest", "asymmetric", "floor",
     Path::kGeneric},
    // (align_corners at 2x happens to be floor(j / 2), so it takes the fast path; not at 3x)
    {"fp32 nchw align_corners 3x", DType::kFloat32, {1, 2, 5, 7}, {1, 1, 3, 3}, {}, "nearest", "align_corners",
     "round_prefer_floor", Path::kGeneric},
    {"fp32 tf_crop_and_resize outside", DType::kFloat32, {1, 2, 4, 4}, {}, {1, 2, 6, 6}, "nearest",
     "tf_crop_and_resize", "round_prefer_floor", Path::kGeneric, 0, 0, 0, {0, 0, -0.2f, -0.2f, 1, 1, 1.2f, 1.2f},
     -3.f},
};

TEST(GpuResizeKernels, NearestGenericFallbacks) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 200;
  for (const ResizeCase& c : kNearestGeneric) check(c, seed++);
}

const ResizeCase kLinear[] = {
    {"fp16 nhwc C=64 half_pixel 2x", DType::kFloat16, {2, 9, 11, 64}, {1, 2, 2, 1}, {}, "linear", "half_pixel",
     "floor", Path::kLinearFast, 8},
    {"fp16 nhwc C=64 batch 1", DType::kFloat16, {1, 9, 11, 64}, {1, 2, 2, 1}, {}, "linear", "half_pixel", "floor",
     Path::kLinearFast, 8},
    {"fp32 nhwc C=4 align_corners", DType::kFloat32, {2, 5, 6, 4}, {}, {2, 9, 13, 4}, "linear", "align_corners",
     "floor", Path::kLinearFast, 4},
    {"fp32 nhwc C=3 asymmetric", DType::kFloat32, {2, 5, 6, 3}, {1, 2, 2, 1}, {}, "linear", "asymmetric", "floor",
     Path::kLinearFast, 1},
    {"fp16 nhwc C=6 pytorch_half_pixel", DType::kFloat16, {2, 5, 6, 6}, {1, 1.5f, 1.5f, 1}, {}, "linear",
     "pytorch_half_pixel", "floor", Path::kLinearFast, 2},
    {"fp32 nchw half_pixel 2x", DType::kFloat32, {2, 3, 9, 11}, {1, 1, 2, 2}, {}, "linear", "half_pixel", "floor",
     Path::kLinearFast, 1},
    {"fp16 nchw align_corners", DType::kFloat16, {1, 4, 7, 9}, {}, {1, 4, 15, 20}, "linear", "align_corners",
     "floor", Path::kLinearFast, 1},
    {"fp32 nchw downsample", DType::kFloat32, {1, 2, 16, 20}, {1, 1, 0.5f, 0.5f}, {}, "linear", "half_pixel",
     "floor", Path::kLinearFast, 1},
    {"fp16 nhwc width only", DType::kFloat16, {2, 4, 6, 16}, {1, 1, 2, 1}, {}, "linear", "half_pixel", "floor",
     Path::kLinearFast, 8},
    {"fp32 nchw height only", DType::kFloat32, {2, 3, 6, 5}, {1, 1, 2, 1}, {}, "linear", "half_pixel", "floor",
     Path::kLinearFast, 1},
    {"fp16 nhwc C=64 unaligned", DType::kFloat16, {2, 9, 11, 64}, {1, 2, 2, 1}, {}, "linear", "half_pixel", "floor",
     Path::kLinearFast, 1, 2, 2},
    {"fp32 tf_crop_and_resize with outside", DType::kFloat32, {1, 4, 4, 8}, {}, {1, 6, 6, 8}, "linear",
     "tf_crop_and_resize", "floor", Path::kLinearFast, 4, 0, 0, {0, -0.2f, -0.2f, 0, 1, 1.2f, 1.2f, 1}, -3.f},
    {"fp32 cubic stays generic", DType::kFloat32, {1, 2, 5, 6}, {1, 1, 2, 2}, {}, "cubic", "half_pixel", "floor",
     Path::kGeneric},
    {"fp32 trilinear stays generic", DType::kFloat32, {1, 2, 3, 4, 5}, {1, 1, 2, 2, 2}, {}, "linear", "half_pixel",
     "floor", Path::kGeneric},
};

TEST(GpuResizeKernels, LinearFastPathMatchesGenericKernel) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 300;
  for (const ResizeCase& c : kLinear) check(c, seed++);
}

// Runs without a GPU: the host planning sends every case to the kernel it states.
TEST(GpuResizeKernels, PlansTheStatedKernel) {
  for (const ResizeCase& c : kNearestRuns) expect_planned_path(c);
  for (const ResizeCase& c : kNearestRows) expect_planned_path(c);
  for (const ResizeCase& c : kNearestGeneric) expect_planned_path(c);
  for (const ResizeCase& c : kLinear) expect_planned_path(c);
}

}  // namespace
}  // namespace fovea::cuda
