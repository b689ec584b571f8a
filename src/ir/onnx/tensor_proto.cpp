#include "ir/onnx/tensor_proto.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fovea::onnx_import {
namespace {

namespace fs = std::filesystem;

std::string tensor_label(const onnx::TensorProto& p) {
  return p.name().empty() ? std::string("unnamed tensor") : fmt::format("tensor '{}'", p.name());
}

Result<std::string> read_external(const onnx::TensorProto& p, const std::string& base_dir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset" || kv.key() == "length") {
      char* end = nullptr;
      long long v = std::strtoll(kv.value().c_str(), &end, 10);
      if (kv.value().empty() || *end != '\0' || v < 0)
        return invalid_argument("{}: external data {} '{}' is not a non-negative integer", tensor_label(p), kv.key(), kv.value());
      (kv.key() == "offset" ? offset : length) = v;
    }
  }
  if (base_dir.empty()) return invalid_argument("{}: external data is not allowed here", tensor_label(p));
  if (location.empty()) return invalid_argument("{}: external data without a location", tensor_label(p));
  const fs::path rel(location);
  bool escapes = rel.is_absolute();
  for (const auto& part : rel) escapes |= part == "..";
  if (escapes)
    return invalid_argument("{}: external data location '{}' must stay inside the model's folder", tensor_label(p), location);
  const fs::path file = fs::path(base_dir) / rel;
  std::error_code ec;
  // Symbolic links may not lead out of the folder either.
  const fs::path real_base = fs::weakly_canonical(base_dir, ec);
  const fs::path real_file = ec ? fs::path() : fs::weakly_canonical(file, ec);
  if (!ec) {
    auto [base_end, file_it] = std::mismatch(real_base.begin(), real_base.end(), real_file.begin(), real_file.end());
    if (base_end != real_base.end())
      return invalid_argument("{}: external data location '{}' must stay inside the model's folder (it leads to '{}')",
                              tensor_label(p), location, real_file.string());
  }
  ec.clear();
  const auto file_size = fs::file_size(file, ec);
  if (ec) return io_error("{}: cannot open external data file '{}'", tensor_label(p), file.string());
  if (length >= 0 && static_cast<uint64_t>(length) != want)
    return invalid_argument("{}: external data length {} does not match the {} bytes its shape needs", tensor_label(p), length, want);
  if (static_cast<uint64_t>(offset) > file_size || want > file_size - static_cast<uint64_t>(offset))
    return invalid_argument("{}: external data [{}, +{}) runs past the end of '{}' ({} bytes)", tensor_label(p), offset, want,
                            file.string(), file_size);
  std::ifstream in(file, std::ios::binary);
  std::string data(want, '\0');
  in.seekg(offset);
  in.read(data.data(), static_cast<std::streamsize>(want));
  if (!in) return io_error("{}: reading external data from '{}' failed", tensor_label(p), file.string());
  return data;
}

// Copies a typed repeated field into `t`, converting to the element type of `t`.
template <typename Dst, typename Field>
void copy_field(Tensor& t, const Field& field) {
  Dst* dst = static_cast<Dst*>(t.raw_data());
  for (int i = 0; i < field.size(); ++i) dst[i] = static_cast<Dst>(field.Get(i));
}

// Bool tensors from raw bytes: any nonzero byte is true. Bytes other than 0/1 would be invalid
// `bool` values for the kernels (undefined behaviour), so they are normalized here, once.
Result<Tensor> from_raw_bytes(DType dtype, Dims dims, const std::string& data) {
  FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::from_bytes(dtype, std::move(dims), std::as_bytes(std::span(data.data(), data.size()))));
  if (dtype == DType::kBool) {
    auto* bytes = static_cast<uint8_t*>(t.raw_data());
    for (size_t i = 0; i < data.size(); ++i) bytes[i] = data[i] != 0 ? 1 : 0;
  }
  return t;
}

}  // namespace

Result<Tensor> tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir) {
  const DType dtype = dtype_from_onnx(p.data_type());
  if (dtype == DType::kUndefined)
    return unsupported("{} has unknown ONNX data type {}", tensor_label(p), p.data_type());
  if (dtype == DType::kString) return unsupported("{} holds strings, which fovea does not support", tensor_label(p));
  if (p.has_segment()) return unsupported("{} is segmented, which fovea does not support", tensor_label(p));
  Dims dims(p.dims().begin(), p.dims().end());
  for (int64_t d : dims)
    if (d < 0) return invalid_argument("{} has a negative dimension in {}", tensor_label(p), dims_to_string(dims));
  const size_t esize = dtype_size(dtype);
  auto count = checked_element_count(dims, esize);
  if (!count.is_ok()) return count.status().with_context(tensor_label(p));
  const size_t n = static_cast<size_t>(*count);
  const size_t want = n * esize;

  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    FOVEA_ASSIGN_OR_RETURN(std::string data, read_external(p, base_dir, want));
    return from_raw_bytes(dtype, std::move(dims), data);
  }
  if (p.has_raw_data()) {
    const std::string& raw = p.raw_data();
    if (raw.size() != want)
      return invalid_argument("{}: raw_data has {} bytes, but dtype {} and shape {} need {}", tensor_label(p), raw.size(),
                              dtype_name(dtype), dims_to_string(dims), want);
    return from_raw_bytes(dtype, std::move(dims), raw);
  }

  // Typed fields: which field holds which dtype is fixed by onnx.proto.
  auto check_count = [&](int have, const char* field) -> Status {
    if (static_cast<size_t>(have) != n)
      return invalid_argument("{}: {} has {} values, but shape {} needs {}", tensor_label(p), field, have,
                              dims_to_string(dims), n);
    return Status::ok();
  };
  FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, dims));
  switch (dtype) {
    case DType::kFloat32:
      FOVEA_RETURN_IF_ERROR(check_count(p.float_data_size(), "float_data"));
      copy_field<float>(t, p.float_data());
      break;
    case DType::kFloat64:
      FOVEA_RETURN_IF_ERROR(check_count(p.double_data_size(), "double_data"));
      copy_field<double>(t, p.double_data());
      break;
    case DType::kInt64:
      FOVEA_RETURN_IF_ERROR(check_count(p.int64_data_size(), "int64_data"));
      copy_field<int64_t>(t, p.int64_data());
      break;
    case DType::kUInt32:
    case DType::kUInt64:
      FOVEA_RETURN_IF_ERROR(check_count(p.uint64_data_size(), "uint64_data"));
      if (dtype == DType::kUInt32) copy_field<uint32_t>(t, p.uint64_data());
      else copy_field<uint64_t>(t, p.uint64_data());
      break;
    case DType::kInt32: case DType::kInt16: case DType::kInt8: case DType::kUInt16: case DType::kUInt8:
    case DType::kBool: case DType::kFloat16: case DType::kBFloat16:
      FOVEA_RETURN_IF_ERROR(check_count(p.int32_data_size(), "int32_data"));
      switch (dtype) {
        case DType::kInt32: copy_field<int32_t>(t, p.int32_data()); break;
        case DType::kInt16: copy_field<int16_t>(t, p.int32_data()); break;
        case DType::kInt8: copy_field<int8_t>(t, p.int32_data()); break;
        case DType::kUInt8: copy_field<uint8_t>(t, p.int32_data()); break;
        case DType::kBool: copy_field<bool>(t, p.int32_data()); break;
        default: copy_field<uint16_t>(t, p.int32_data()); break;  // uint16, float16 / bfloat16 bits
      }
      break;
    default:
      return unsupported("{} has dtype {}, which fovea does not support", tensor_label(p), dtype_name(dtype));
  }
  return t;
}

}  // namespace fovea::onnx_import
