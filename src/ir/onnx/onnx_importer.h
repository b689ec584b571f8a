// ONNX import: a ModelProto (file or bytes) into a fovea Graph. Structural validation happens
// here (names resolve, no duplicates, tensor sizes match, external data stays inside the model's
// folder); op support and shapes are checked by the ops layer (ops/graph_checks.h).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

// Opsets 1-6 are lowered to opset-7 forms after import (ops/legacy_opset_lowering.h).
inline constexpr int64_t kMinSupportedOpset = 1;
// Newest default-domain opset whose op changes fovea's shape functions know; newer models load
// (most ops keep their semantics) with a warning, and ops whose meaning changed report errors.
inline constexpr int64_t kNewestKnownOpset = 18;

// Reads and imports a .onnx file; external data is resolved relative to its folder.
Result<Graph> import_onnx_file(const std::string& path);
// Imports a serialized ModelProto; `base_dir` resolves external data ("" forbids it).
Result<Graph> import_onnx_bytes(std::span<const std::byte> bytes, const std::string& base_dir);
// Reads a serialized TensorProto (the ONNX test data's input_0.pb / output_0.pb).
Result<Tensor> read_onnx_tensor_file(const std::string& path);

}  // namespace fovea
