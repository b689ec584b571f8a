// NumPy .npy files: the on-disk tensor format of fovea (inputs and outputs of `fovea infer`).
// Reading accepts format versions 1.0, 2.0 and 3.0, little- and big-endian data (byte-swapped on
// load), C order only, dtypes f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1. Every header field is
// validated and the data size is checked against the file length before anything is allocated.
// Writing produces version 1.0 (2.0 when the header does not fit), little-endian, C order.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea {

// Reads a .npy file; errors name the file and the header field at fault.
Result<Tensor> read_npy_file(const std::string& path);
// Parses .npy bytes already in memory; `what` names the source in error messages.
Result<Tensor> parse_npy(std::span<const std::byte> bytes, const std::string& what = "npy data");

// Serializes a tensor as .npy bytes (bfloat16 has no NumPy dtype and is refused).
Result<std::vector<std::byte>> encode_npy(const Tensor& tensor);
Status write_npy_file(const std::string& path, const Tensor& tensor);

// The NumPy type string of a dtype without byte order ("f4", "b1"); empty when NumPy has none.
std::string npy_type_code(DType dtype);

}  // namespace fovea
