// TensorProto -> Tensor, with every size checked before allocation.
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::onnx_import {

// `base_dir` resolves external data; empty forbids external data.
Result<Tensor> tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir);

}  // namespace fovea::onnx_import
