// fovea.FusedConv as ONE cuDNN kernel through the graph (backend) API: a convolution-forward
// operation followed by pointwise operations (bias ADD, the activation, the residual ADD) joined
// by virtual FP32 tensors, X/W/B/Z/Y in the node's dtype and layout. cudnnConvolutionBiasActivation-
// Forward only fuses ReLU; this fuses SiLU, HardSwish, Sigmoid, ... and residuals after the activation.
//
// Engine configurations come from cuDNN's heuristics (mode A, then FALLBACK); each one that
// finalizes into an execution plan is a tactic the builder times next to the legacy algorithms.
// A configuration is identified by its engine's global index and knob choices
// (CudnnEngineConfigId, conv_tactic_id.h), so a plan file rebuilds the same one. Finalized plans
// are shared through a process-wide cache keyed by the cuDNN handle, the graph and the
// configuration, held only while some node state uses them. cuDNN refusing anything (graph,
// heuristics, a plan) means "no candidate", never a crash.
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/kernels/activation_math.h"
#include "core/dtype.h"
#include "core/status.h"

namespace fovea::cuda {

// Everything the operation graph depends on.
struct FusedConvGraphSpec {
  DType dtype = DType::kUndefined;  // X, W, B, Z, Y: kFloat16 or kFloat32 (compute is FP32 either way)
  bool nhwc = false;                // NHWC-strided X, Z, Y and a KRSC filter
  Dims x, w, y;                     // in NCHW order, as CudnnConvShape (1-D lifted, asymmetric pads staged)
  std::vector<int64_t> pads, strides, dilations;
  kernels::ActivationParams activation;
  bool has_bias = false, has_residual = false, residual_after_activation = false;
  int64_t alignment = 16;  // bytes every data pointer is aligned to (see pointer_alignment)

  // A text naming every field: the cache key.
  std::string key() const;
};

// The spec of a conv with cuDNN view `shape`, or nullopt where the family does not apply:
// grouped convolutions, dtypes other than FP16/FP32, or nothing to fuse (no bias, residual or
// activation: the legacy call is that graph already).
std::optional<FusedConvGraphSpec> make_fused_conv_graph_spec(const CudnnConvShape& shape, int64_t group, DType dtype,
                                                             const kernels::ActivationParams& activation,
                                                             bool has_bias, bool has_residual,
                                                             bool residual_after_activation, int64_t alignment);

// Packed int64 strides of dims in NCHW order ([N, C, spatial...]): row-major, or channel-innermost for NHWC.
std::vector<int64_t> graph_tensor_strides(const Dims& dims, bool nhwc);

// The largest power of two up to 16 that divides every non-null pointer.
int64_t pointer_alignment(std::initializer_list<const void*> pointers);

// How many graph-API candidates a conv lists: FOVEA_CUDNN_GRAPH_CANDIDATES (0 turns the family
// off), default 3. Each is an execution plan to finalize, which for cuDNN's runtime-fusion
// engines means compiling a kernel: this bounds the cost a cold build pays per layer.
int fused_conv_graph_candidate_limit();

class FusedConvGraphPlan;  // a finalized execution plan and the descriptors it was built from

struct FusedConvGraphCandidate {
  std::shared_ptr<const FusedConvGraphPlan> plan;
  CudnnEngineConfigId config;
  size_t workspace_bytes = 0;  // the plan's own workspace
};

// Up to `max_count` plans, in the heuristics' order, that finalize and need at most
// `workspace_limit` bytes. Configurations that would not keep the dtype's accuracy are skipped
// (reduced-precision reductions; TF32 for FP32). Empty when cuDNN supports none of them.
std::vector<FusedConvGraphCandidate> list_fused_conv_graph_plans(cudnnHandle_t handle, const FusedConvGraphSpec& spec,
                                                                 size_t workspace_limit, int max_count);

// The plan of one configuration (a tactic from a plan file or the timing cache): from the cache,
// or built and finalized now. An error when cuDNN cannot finalize it.
Result<FusedConvGraphCandidate> fused_conv_graph_plan(cudnnHandle_t handle, const FusedConvGraphSpec& spec,
                                                      const CudnnEngineConfigId& config);

// Whether cuDNN's heuristics (mode A or FALLBACK) offer exactly `config` for `spec`. A configuration
// tuned at one shape (its kernel-config knob in particular) is not necessarily valid at another,
// and cuDNN may finalize it there anyway and compute wrong results (seen on an H100 with
// MobileNetV3 at batch 3 after tuning at batch 2), so other shapes only use offered ones.
bool fused_conv_graph_config_offered(const FusedConvGraphSpec& spec, const CudnnEngineConfigId& config,
                                     cudnnHandle_t handle);

// What a graph tactic does at a shape: FOVEA_CUDNN_GRAPH_SHAPE_POLICY = legacy (default: the tuned
// configuration where the heuristics offer it for this shape, else the default legacy algorithm),
// offered (else the heuristics' first offered plan: finalizing it compiles a kernel per layer and
// shape) or tuned (the tuned configuration at every shape; for diagnosis).
enum class GraphShapePolicy { kOffered, kLegacyElsewhere, kTuned };
GraphShapePolicy fused_conv_graph_shape_policy();

struct FusedConvGraphPointers {
  const void* x = nullptr;
  const void* w = nullptr;
  const void* bias = nullptr;      // when spec.has_bias
  const void* residual = nullptr;  // when spec.has_residual
  void* y = nullptr;
  void* workspace = nullptr;       // at least the plan's workspace_bytes
};

// Enqueues the plan on the handle's stream (capturable into a CUDA graph).
Status execute_fused_conv_graph(cudnnHandle_t handle, const FusedConvGraphPlan& plan, const FusedConvGraphPointers& p);

}  // namespace fovea::cuda
