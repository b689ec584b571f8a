#include "ir/attribute.h"

namespace fovea {

const char* Attribute::type_name() const {
  static const char* names[] = {"int", "float", "string", "tensor", "ints", "floats", "strings"};
  return names[value.index()];
}

}  // namespace fovea
