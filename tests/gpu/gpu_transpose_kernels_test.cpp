// Transpose on the GPU against the CPU reference, bit for bit, through the kernel entry the
// engine calls: the few-channel kernel (NCHW <-> NHWC with C = 2..4, 16-byte and scalar
// accesses, unaligned views), the tiled kernel (odd sizes, more than 65535 row tiles), the
// contiguous copy C = 1 becomes and the generic strided copy. Each case also states which kernel
// the host planning picks, so a planning change that drops a case off its fast path fails here.
#include <string>
#include <vector>

#include "backends/cuda/kernels/channel_transpose.h"
#include "backends/cuda/kernels/strided_copy.h"
#include "gpu_single_node_run.h"
#include "gpu_test_env.h"

namespace fovea::cuda {
namespace {

namespace k = kernels;

enum class Path { kChannels16, kChannelsScalar, kTiled, kStrided };

const char* path_name(Path p) {
  switch (p) {
    case Path::kChannels16: return "channels (16-byte)";
    case Path::kChannelsScalar: return "channels (scalar)";
    case Path::kTiled: return "tiled";
    case Path::kStrided: return "strided copy";
  }
  return "?";
}

// The kernel layout_ops.cpp launches for this transpose with these buffer addresses.
Path planned_path(const Dims& dims, const std::vector<int64_t>& perm, DType dtype, uintptr_t in, uintptr_t out) {
  const k::TransposePlan plan = k::plan_transpose(dims, perm);
  if (!plan.batched_2d) return Path::kStrided;
  k::BatchedTransposeParams p = plan.transpose;
  p.element_size = static_cast<int64_t>(dtype_size(dtype));
  if (!k::is_channel_transpose(p)) return Path::kTiled;
  const bool planar = p.rows >= 2 && p.rows <= k::kMaxSmallChannels;
  const int64_t pixels = planar ? p.cols : p.rows;
  return k::channel_transpose_access_bytes(pixels, p.element_size, in, out) == 16 ? Path::kChannels16
                                                                                   : Path::kChannelsScalar;
}

struct TransposeCase {
  Dims dims;
  std::vector<int64_t> perm;
  DType dtype;
  Path path;
  size_t in_offset = 0, out_offset = 0;  // bytes past a 256-byte aligned address
};

std::string describe(const TransposeCase& c) {
  std::string s = std::string(dtype_name(c.dtype)) + " [";
  for (int64_t d : c.dims) s += std::to_string(d) + ",";
  s += "] perm [";
  for (int64_t a : c.perm) s += std::to_string(a) + ",";
  return s + "] offsets " + std::to_string(c.in_offset) + "/" + std::to_string(c.out_offset);
}

void expect_planned_path(const TransposeCase& c) {
  const uintptr_t base = 0x1000;  // aligned; only the offsets matter to the planning
  const Path path = planned_path(c.dims, c.perm, c.dtype, base + c.in_offset, base + c.out_offset);
  EXPECT_EQ(path, c.path) << describe(c) << ": planned " << path_name(path);
}

void check(const TransposeCase& c, uint32_t seed) {
  SCOPED_TRACE(describe(c));
  expect_planned_path(c);
  const Tensor x = gpu_test::random_tensor(c.dtype, c.dims, seed);
  const gpu_test::SingleNodeRun r =
      gpu_test::run_single_node("Transpose", x, {}, {{"perm", c.perm}}, 17, c.in_offset, c.out_offset);
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  ASSERT_EQ(r.gpu_output.dims(), r.cpu_output.dims());
  EXPECT_EQ(gpu_test::first_byte_mismatch(r.gpu_output, r.cpu_output), -1);
}

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1}, kToNchw = {0, 3, 1, 2};

const TransposeCase kNchwToNhwc[] = {
    {{4, 3, 64, 80}, kToNhwc, DType::kFloat16, Path::kChannels16},  // the network input, small
    {{1, 3, 64, 80}, kToNhwc, DType::kFloat16, Path::kChannels16},
    {{2, 3, 37, 41}, kToNhwc, DType::kFloat16, Path::kChannelsScalar},  // 1517 pixels: planes not 16-byte
    {{2, 3, 32, 32}, kToNhwc, DType::kFloat32, Path::kChannels16},
    {{2, 2, 16, 24}, kToNhwc, DType::kFloat32, Path::kChannels16},
    {{2, 4, 16, 24}, kToNhwc, DType::kFloat16, Path::kChannels16},
    {{3, 3, 8, 16}, kToNhwc, DType::kUInt8, Path::kChannels16},
    {{2, 4, 9, 9}, kToNhwc, DType::kUInt8, Path::kChannelsScalar},
    {{2, 3, 8, 8}, kToNhwc, DType::kInt64, Path::kChannels16},
    {{2, 3, 5, 5}, kToNhwc, DType::kInt64, Path::kChannelsScalar},
    {{2, 3, 64, 80}, kToNhwc, DType::kFloat16, Path::kChannelsScalar, 2, 0},  // unaligned views
    {{2, 3, 64, 80}, kToNhwc, DType::kFloat16, Path::kChannelsScalar, 0, 6},
    {{2, 3, 64, 80}, kToNhwc, DType::kFloat32, Path::kChannelsScalar, 4, 4},
    {{2000, 3, 2, 3}, kToNhwc, DType::kFloat16, Path::kChannelsScalar},  // tiny images, many of them
    {{3, 64 * 80}, {1, 0}, DType::kFloat16, Path::kChannels16},         // plain 2-D
};

const TransposeCase kNhwcToNchw[] = {
    {{4, 64, 80, 3}, kToNchw, DType::kFloat16, Path::kChannels16},
    {{1, 37, 41, 3}, kToNchw, DType::kFloat16, Path::kChannelsScalar},
    {{2, 16, 24, 2}, kToNchw, DType::kFloat32, Path::kChannels16},
    {{2, 16, 24, 4}, kToNchw, DType::kFloat32, Path::kChannels16},
    {{2, 8, 16, 3}, kToNchw, DType::kUInt8, Path::kChannels16},
    {{2, 8, 8, 4}, kToNchw, DType::kInt64, Path::kChannels16},
    {{2, 64, 80, 3}, kToNchw, DType::kFloat16, Path::kChannelsScalar, 2, 2},
};

const TransposeCase kTiledAndGeneric[] = {
    {{2, 64, 33, 35}, kToNhwc, DType::kFloat16, Path::kTiled},  // C = 64, sizes not multiples of 32
    {{2, 17, 19, 64}, kToNchw, DType::kFloat16, Path::kTiled},
    {{1, 5, 9, 11}, kToNhwc, DType::kFloat32, Path::kTiled},     // C = 5: just past the few-channel kernel
    {{3, 45, 50}, {0, 2, 1}, DType::kFloat32, Path::kTiled},
    {{5, 7}, {1, 0}, DType::kInt64, Path::kTiled},
    {{2, 33, 31}, {0, 2, 1}, DType::kUInt8, Path::kTiled},
    {{2, 64, 33, 35}, kToNhwc, DType::kFloat16, Path::kTiled, 2, 6},
    {{2, 1, 16, 16}, kToNhwc, DType::kFloat16, Path::kStrided},  // C = 1: a contiguous copy
    {{2, 3, 4, 5}, {3, 1, 0, 2}, DType::kFloat32, Path::kStrided},
    {{2, 3, 4}, {1, 0, 2}, DType::kFloat16, Path::kStrided},
};

// More than 65535 tiles of 32 rows: the tiled kernel loops over row tiles instead of falling
// back to the strided copy.
const TransposeCase kManyRowTiles = {{1, 65536 * 32 + 7, 8}, {0, 2, 1}, DType::kUInt8, Path::kTiled};

// Runs without a GPU: the host planning sends every case to the kernel it states.
TEST(GpuTransposeKernels, PlansTheStatedKernel) {
  for (const TransposeCase& c : kNchwToNhwc) expect_planned_path(c);
  for (const TransposeCase& c : kNhwcToNchw) expect_planned_path(c);
  for (const TransposeCase& c : kTiledAndGeneric) expect_planned_path(c);
  expect_planned_path(kManyRowTiles);
}

TEST(GpuTransposeKernels, NchwToNhwcFewChannels) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 1;
  for (const TransposeCase& c : kNchwToNhwc) check(c, seed++);
}

TEST(GpuTransposeKernels, NhwcToNchwFewChannels) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 100;
  for (const TransposeCase& c : kNhwcToNchw) check(c, seed++);
}

TEST(GpuTransposeKernels, TiledAndGenericPaths) {
  FOVEA_REQUIRE_GPU();
  uint32_t seed = 200;
  for (const TransposeCase& c : kTiledAndGeneric) check(c, seed++);
}

TEST(GpuTransposeKernels, TiledWithMoreRowTilesThanTheGridHolds) {
  FOVEA_REQUIRE_GPU();
  check(kManyRowTiles, 300);
}

}  // namespace
}  // namespace fovea::cuda
