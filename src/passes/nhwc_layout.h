// NHWC layout pass: runs the 2-D convolutions (Conv, fovea.FusedConv with constant float16 or
// float32 weights) in NHWC, as fovea.FusedConv with layout "NHWC" and KRSC weights, together with
// the ops around them that can work on NHWC tensors (fovea.MaxPool, GlobalAveragePool/MaxPool as
// ReduceMean/ReduceMax over axes [1,2], element-wise ops and fovea.FusedElementwise, Concat,
// Split, Slice, Resize/Upsample, Identity; passes/nhwc_node_rules.h has the exact rules).
//
// Nodes that can run in NHWC form regions (connected through the 4-D tensors they exchange).
// Where an NCHW tensor enters a region a Transpose (perm [0,2,3,1]) is inserted, where a region
// tensor is read by another op or is a graph output a Transpose back (perm [0,3,1,2]): one per
// tensor, shared by its readers. Graph input and output names and dtypes stay unchanged. A region
// without a conv, or needing more than two Transposes per conv, is left in NCHW.
//
// It runs after assign_precision (the builder does so for FP16 engines, where NHWC pays: cuDNN's
// tensor-core convolutions want NHWC) and is independent of PassOptions and BuildConfig so it can
// be switched on for FP32 too. Shapes are re-inferred at the end.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct NhwcReport {
  int convs = 0;             // convolutions converted to NHWC
  int nodes = 0;             // nodes converted, convs included
  int regions = 0;           // regions converted
  int regions_skipped = 0;   // regions left in NCHW (no conv, or too many transposes)
  int transposes = 0;        // Transpose nodes inserted
};

// Converts `graph` in place and returns the number of convolutions converted. A graph that
// already holds NHWC nodes is left unchanged (returns 0), so running it twice is harmless.
Result<int> convert_to_nhwc(Graph& graph, NhwcReport* report = nullptr);

}  // namespace fovea
