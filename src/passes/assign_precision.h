// FP16 precision assignment: decides which nodes run in float16 and rewrites the graph so that
// their float tensors are float16, with Cast nodes wherever float32 and float16 parts meet.
//
// A node stays in float32 when
//  - its op is numerically sensitive (kFp32SensitiveOps below: exponentials, logarithms and
//    powers overflow float16's range of ±65504; long sums and normalization statistics lose
//    precision with float16's 11-bit mantissa; CumSum, Range, TopK, NonMaxSuppression and Einsum
//    accumulate, index or compare values where a float16 rounding step changes the result);
//  - it is in the graph's "tail": no Conv/ConvTranspose/Gemm/MatMul (or fovea.FusedConv/
//    FusedGemm/FusedMatMul) is reachable downstream of it through data inputs. That keeps
//    post-processing such as YOLO box decoding in float32, where coordinates reach 640 and
//    float16 has 0.5-pixel steps. Edges into shape-like inputs (Reshape's shape, Resize's
//    scales/sizes, Slice's starts, ...) do not count, so float shape arithmetic stays float32;
//  - its output dtype is fixed by an attribute (Constant, ConstantOfShape, EyeLike, Random*), or
//    all its outputs are build-time constants (it never runs);
//  - or a per-layer override (by node name) says so. Overrides can also force float16.
// Integer, bool, float64 and already-float16 values are never touched. Graph inputs and outputs
// stay float32: a Cast (to=FLOAT16) follows each input read by float16 nodes, a Cast (to=FLOAT)
// precedes each output produced by one. A Cast to FLOAT that runs in float16 casts to FLOAT16.
// float32 initializers read only by float16 nodes are converted in place (round to nearest even;
// finite values beyond ±65504 are clamped to it, and the count is logged); initializers read by
// both kinds get a float16 copy for the float16 readers. Resize's roi/scales and Upsample's scales
// stay float32 whatever the node's precision. Shape inference is re-run on the result.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "ir/precision.h"

namespace fovea {

// Default-domain ops that always run in float32 unless a per-layer override forces float16.
inline constexpr std::string_view kFp32SensitiveOps[] = {
    "Softmax", "LogSoftmax", "Exp", "Log", "Pow", "ReduceSum", "ReduceMean", "ReduceL2", "ReduceLogSumExp",
    "ReduceSumSquare", "LayerNormalization", "InstanceNormalization", "CumSum", "Range", "TopK",
    "NonMaxSuppression", "Einsum"};

struct PrecisionReport {
  int fp16_nodes = 0;          // nodes computing in float16
  int fp32_nodes = 0;          // nodes with float32 data that stay float32, for any reason below or an fp32 build
  int sensitive_nodes = 0;     // kept for their op type
  int tail_nodes = 0;          // kept because no heavy op follows
  int fp32_overrides = 0;      // kept by a per-layer override
  int fp16_overrides = 0;      // forced to float16 by a per-layer override
  int casts_inserted = 0;
  int weights_converted = 0;   // initializers converted in place or copied to float16
  int64_t values_clamped = 0;  // weight elements beyond the float16 range

  std::string summary() const;
};

// Rewrites `graph` for `precision` (kFp32: only nodes overridden to kFp16 change) and returns the
// number of nodes running in float16. Overrides naming no node are ignored with a warning. Fails
// (naming the node) when shape inference on the rewritten graph fails.
Result<int> assign_precision(Graph& graph, Precision precision,
                             const std::map<std::string, Precision>& layer_overrides,
                             PrecisionReport* report = nullptr);

}  // namespace fovea
