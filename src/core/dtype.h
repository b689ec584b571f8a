// Element types. The numeric values match ONNX's TensorProto.DataType so the importer and the
// .npy / protobuf readers can convert without a table; nothing here depends on ONNX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fovea {

enum class DType : int {
  kUndefined = 0,
  kFloat32 = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
};

// IEEE half stored as bits; arithmetic happens after conversion to float.
struct Half {
  uint16_t bits = 0;
};
float half_to_float(Half h);
Half float_to_half(float f);

// Bytes per element; 0 for kUndefined and kString (not storable in a Tensor).
size_t dtype_size(DType t);
std::string_view dtype_name(DType t);   // "float32", "int64", ...
bool dtype_is_float(DType t);
bool dtype_is_integer(DType t);
// An ONNX TensorProto.DataType number as a DType, or kUndefined when unknown.
DType dtype_from_onnx(int onnx_elem_type);

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::kFloat32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::kFloat64; };
template <> struct DTypeOf<Half> { static constexpr DType value = DType::kFloat16; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::kUInt8; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::kInt8; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::kUInt16; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::kInt16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::kInt32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::kInt64; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::kUInt32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::kUInt64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::kBool; };

}  // namespace fovea

// Calls BODY with `T` bound to the C++ type of DTYPE for the listed families; unlisted types fall
// through to the statement after the macro. Use as:
//   FOVEA_SWITCH_NUMERIC(t.dtype(), T, { return kernel<T>(...); });
//   return unsupported("...");
#define FOVEA_DTYPE_CASE(ENUM, CTYPE, T, ...) \
  case ::fovea::DType::ENUM: {                \
    using T = CTYPE;                          \
    __VA_ARGS__;                              \
    break;                                    \
  }
// float32, float64, all signed and unsigned integers (no bool, no half).
#define FOVEA_SWITCH_NUMERIC(DTYPE, T, ...)              \
  switch (DTYPE) {                                       \
    FOVEA_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)   \
    FOVEA_DTYPE_CASE(kInt8, int8_t, T, __VA_ARGS__)      \
    FOVEA_DTYPE_CASE(kInt16, int16_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kInt32, int32_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kInt64, int64_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kUInt8, uint8_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kUInt16, uint16_t, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kUInt32, uint32_t, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kUInt64, uint64_t, T, __VA_ARGS__)  \
    default: break;                                      \
  }
// float32 and float64 only.
#define FOVEA_SWITCH_FLOAT(DTYPE, T, ...)              \
  switch (DTYPE) {                                     \
    FOVEA_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__) \
    default: break;                                    \
  }
// Every storable type, bool and half included: for ops that only move data.
#define FOVEA_SWITCH_ALL(DTYPE, T, ...)                  \
  switch (DTYPE) {                                       \
    FOVEA_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)   \
    FOVEA_DTYPE_CASE(kFloat16, ::fovea::Half, T, __VA_ARGS__) \
    FOVEA_DTYPE_CASE(kBFloat16, uint16_t, T, __VA_ARGS__) \
    FOVEA_DTYPE_CASE(kInt8, int8_t, T, __VA_ARGS__)      \
    FOVEA_DTYPE_CASE(kInt16, int16_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kInt32, int32_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kInt64, int64_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kUInt8, uint8_t, T, __VA_ARGS__)    \
    FOVEA_DTYPE_CASE(kUInt16, uint16_t, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kUInt32, uint32_t, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kUInt64, uint64_t, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kBool, bool, T, __VA_ARGS__)        \
    default: break;                                      \
  }
