// Typed node attributes (ONNX AttributeProto, minus subgraphs).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/tensor.h"

namespace fovea {

using AttributeValue = std::variant<int64_t, float, std::string, Tensor, std::vector<int64_t>,
                                    std::vector<float>, std::vector<std::string>>;

struct Attribute {
  std::string name;
  AttributeValue value;

  const char* type_name() const;  // "int", "float", "string", "tensor", "ints", "floats", "strings"
};

}  // namespace fovea
