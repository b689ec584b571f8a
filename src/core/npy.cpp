#include "core/npy.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string_view>

namespace fovea {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr size_t kPreambleV1 = kMagicSize + 2 + 2;  // magic, version, uint16 header length
constexpr size_t kPreambleV2 = kMagicSize + 2 + 4;  // magic, version, uint32 header length
// NumPy itself refuses headers over 10000 bytes by default; allow more, but stay bounded.
constexpr size_t kMaxHeaderBytes = 1 << 20;

struct TypeEntry {
  const char* code;
  DType dtype;
};
constexpr TypeEntry kTypes[] = {
    {"f2", DType::kFloat16}, {"f4", DType::kFloat32}, {"f8", DType::kFloat64}, {"i1", DType::kInt8},
    {"i2", DType::kInt16},   {"i4", DType::kInt32},   {"i8", DType::kInt64},   {"u1", DType::kUInt8},
    {"u2", DType::kUInt16},  {"u4", DType::kUInt32},  {"u8", DType::kUInt64},  {"b1", DType::kBool},
};

struct NpyHeader {
  DType dtype = DType::kUndefined;
  bool big_endian = false;
  Dims dims;
  size_t data_offset = 0;  // bytes from the start of the file to the data
  size_t data_bytes = 0;
};

// A tiny parser for the Python dict literal of the header:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& what) : s_(text), what_(what) {}

  Status parse(std::string& descr, bool& fortran, Dims& dims) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_space();
    if (!consume('{')) return fail("header", "does not start with '{'");
    for (;;) {
      skip_space();
      if (consume('}')) break;
      std::string key;
      FOVEA_RETURN_IF_ERROR(parse_string(key, "header key"));
      skip_space();
      if (!consume(':')) return fail("header", fmt::format("expected ':' after key '{}'", key));
      skip_space();
      if (key == "descr") {
        if (have_descr) return fail("descr", "appears twice");
        have_descr = true;
        if (peek() == '[') return fail("descr", "structured (record) dtypes are not supported");
        FOVEA_RETURN_IF_ERROR(parse_string(descr, "descr"));
      } else if (key == "fortran_order") {
        if (have_fortran) return fail("fortran_order", "appears twice");
        have_fortran = true;
        if (s_.substr(pos_, 4) == "True") {
          fortran = true;
          pos_ += 4;
        } else if (s_.substr(pos_, 5) == "False") {
          fortran = false;
          pos_ += 5;
        } else {
          return fail("fortran_order", "is not True or False");
        }
      } else if (key == "shape") {
        if (have_shape) return fail("shape", "appears twice");
        have_shape = true;
        FOVEA_RETURN_IF_ERROR(parse_shape(dims));
      } else {
        return fail("header", fmt::format("has an unexpected key '{}'", key));
      }
      skip_space();
      if (consume(',')) continue;
      skip_space();
      if (consume('}')) break;
      return fail("header", fmt::format("expected ',' or '}}' after the value of '{}'", key));
    }
    skip_space();
    if (pos_ != s_.size()) return fail("header", "has text after the closing '}'");
    if (!have_descr) return fail("descr", "is missing");
    if (!have_fortran) return fail("fortran_order", "is missing");
    if (!have_shape) return fail("shape", "is missing");
    return Status::ok();
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  Status fail(std::string_view field, const std::string& msg) const {
    if (field == "header") return invalid_argument("{}: .npy header {}", what_, msg);
    return invalid_argument("{}: .npy header field '{}' {}", what_, field, msg);
  }

  Status parse_string(std::string& out, std::string_view field) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') return fail(field, "is not a quoted string");
    ++pos_;
    const size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) return fail(field, "has an unterminated string");
    out = std::string(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return Status::ok();
  }

  Status parse_shape(Dims& dims) {
    if (!consume('(')) return fail("shape", "is not a tuple");
    dims.clear();
    for (;;) {
      skip_space();
      if (consume(')')) return Status::ok();
      if (peek() < '0' || peek() > '9') return fail("shape", "has an entry that is not a non-negative integer");
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const int digit = peek() - '0';
        if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) return fail("shape", "has a dimension too large");
        v = v * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs in old files
      dims.push_back(v);
      if (dims.size() > 64) return fail("shape", "has more than 64 dimensions");
      skip_space();
      if (consume(',')) continue;
      skip_space();
      if (consume(')')) {
        return Status::ok();
      }
      return fail("shape", "is not a well-formed tuple");
    }
  }

  std::string_view s_;
  const std::string& what_;
  size_t pos_ = 0;
};

uint32_t read_le(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

// How many bytes of preamble the file's version uses; reads the version from the first 8 bytes.
Result<size_t> preamble_size(std::span<const std::byte> first8, const std::string& what) {
  if (first8.size() < kMagicSize + 2) return invalid_argument("{}: too short for a .npy file ({} bytes)", what, first8.size());
  if (std::memcmp(first8.data(), kMagic, kMagicSize) != 0)
    return invalid_argument("{}: not a .npy file (magic string \\x93NUMPY missing)", what);
  const auto major = static_cast<unsigned>(first8[6]);
  const auto minor = static_cast<unsigned>(first8[7]);
  if (minor != 0 || major < 1 || major > 3)
    return unsupported("{}: .npy format version {}.{} is not supported (1.0, 2.0 and 3.0 are)", what, major, minor);
  return major == 1 ? kPreambleV1 : kPreambleV2;
}

// Parses preamble + header text (`prefix` holds at least preamble_size bytes); `file_size` is the
// total size, checked against what the header implies.
Result<NpyHeader> parse_header(std::span<const std::byte> prefix, uint64_t file_size, const std::string& what,
                               const std::function<Result<std::string>(size_t offset, size_t n)>& read_text) {
  FOVEA_ASSIGN_OR_RETURN(size_t preamble, preamble_size(prefix, what));
  if (prefix.size() < preamble || file_size < preamble)
    return invalid_argument("{}: truncated .npy file: the header length field is cut off", what);
  const auto* p = reinterpret_cast<const unsigned char*>(prefix.data());
  const size_t header_len = read_le(p + kMagicSize + 2, preamble - kMagicSize - 2);
  if (header_len > kMaxHeaderBytes)
    return invalid_argument("{}: .npy header length {} is larger than the limit of {} bytes", what, header_len,
                            kMaxHeaderBytes);
  if (preamble + header_len > file_size)
    return invalid_argument("{}: truncated .npy file: the header says {} bytes but the file has only {}", what,
                            preamble + header_len, file_size);
  FOVEA_ASSIGN_OR_RETURN(std::string text, read_text(preamble, header_len));

  std::string descr;
  bool fortran = false;
  NpyHeader h;
  FOVEA_RETURN_IF_ERROR(HeaderParser(text, what).parse(descr, fortran, h.dims));
  if (fortran)
    return unsupported("{}: .npy header field 'fortran_order' is True; only C order is supported "
                       "(save with np.ascontiguousarray(a))", what);
  if (descr.size() != 3)
    return unsupported("{}: .npy header field 'descr' = '{}' is not a supported dtype "
                       "(f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)", what, descr);
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return invalid_argument("{}: .npy header field 'descr' = '{}' has an invalid byte order '{}'", what, descr, order);
  const std::string code = descr.substr(1);
  for (const TypeEntry& e : kTypes)
    if (code == e.code) h.dtype = e.dtype;
  if (h.dtype == DType::kUndefined)
    return unsupported("{}: .npy header field 'descr' = '{}' is not a supported dtype "
                       "(f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)", what, descr);
  h.big_endian = order == '>' && dtype_size(h.dtype) > 1;

  auto count = checked_element_count(h.dims, dtype_size(h.dtype));
  if (!count.is_ok()) return count.status().with_context(what + ": .npy header field 'shape' " + dims_to_string(h.dims));
  h.data_offset = preamble + header_len;
  h.data_bytes = static_cast<size_t>(*count) * dtype_size(h.dtype);
  const uint64_t available = file_size - h.data_offset;
  if (available < h.data_bytes)
    return invalid_argument("{}: truncated .npy file: shape {} of {} needs {} data bytes, the file has {}", what,
                            dims_to_string(h.dims), descr, h.data_bytes, available);
  if (available > h.data_bytes)
    return invalid_argument("{}: .npy file has {} bytes after the data that shape {} of {} implies", what,
                            available - h.data_bytes, dims_to_string(h.dims), descr);
  return h;
}

// Big-endian data to native order (the host is little-endian); bool is normalized to 0/1.
void fix_data(Tensor& t, bool big_endian) {
  auto* b = static_cast<unsigned char*>(t.raw_data());
  const size_t n = static_cast<size_t>(t.numel());
  const size_t w = dtype_size(t.dtype());
  if (big_endian && w > 1)
    for (size_t i = 0; i < n; ++i) std::reverse(b + i * w, b + (i + 1) * w);
  if (t.dtype() == DType::kBool)
    for (size_t i = 0; i < n; ++i) b[i] = b[i] != 0;
}

}  // namespace

std::string npy_type_code(DType dtype) {
  for (const TypeEntry& e : kTypes)
    if (e.dtype == dtype) return e.code;
  return {};
}

Result<Tensor> parse_npy(std::span<const std::byte> bytes, const std::string& what) {
  auto read_text = [&](size_t offset, size_t n) -> Result<std::string> {
    return std::string(reinterpret_cast<const char*>(bytes.data()) + offset, n);
  };
  FOVEA_ASSIGN_OR_RETURN(NpyHeader h,
                         parse_header(bytes.subspan(0, std::min(bytes.size(), kPreambleV2)), bytes.size(), what, read_text));
  FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::from_bytes(h.dtype, h.dims, bytes.subspan(h.data_offset, h.data_bytes)));
  fix_data(t, h.big_endian);
  return t;
}

Result<Tensor> read_npy_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return io_error("{}: is a directory, not a .npy file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("{}: cannot open .npy file ({})", path, std::strerror(errno));
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) return io_error("{}: cannot read the file size ({})", path, ec.message());

  std::byte prefix[kPreambleV2] = {};
  in.read(reinterpret_cast<char*>(prefix), kPreambleV2);
  const size_t got = static_cast<size_t>(in.gcount());
  in.clear();
  auto read_text = [&](size_t offset, size_t n) -> Result<std::string> {
    std::string text(n, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(text.data(), static_cast<std::streamsize>(n))) return io_error("{}: reading the .npy header failed", path);
    return text;
  };
  FOVEA_ASSIGN_OR_RETURN(NpyHeader h, parse_header({prefix, got}, file_size, path, read_text));
  auto allocated = Tensor::allocate(h.dtype, h.dims);
  if (!allocated.is_ok()) return allocated.status().with_context(path);
  Tensor t = std::move(allocated).value();
  in.seekg(static_cast<std::streamoff>(h.data_offset));
  if (!in.read(static_cast<char*>(t.raw_data()), static_cast<std::streamsize>(h.data_bytes)))
    return io_error("{}: reading {} bytes of .npy data failed", path, h.data_bytes);
  fix_data(t, h.big_endian);
  return t;
}

Result<std::vector<std::byte>> encode_npy(const Tensor& tensor) {
  const std::string code = npy_type_code(tensor.dtype());
  if (code.empty()) return unsupported("dtype {} has no NumPy equivalent; cannot write .npy", dtype_name(tensor.dtype()));
  const char order = dtype_size(tensor.dtype()) == 1 ? '|' : '<';
  std::string shape = "(";
  for (size_t i = 0; i < tensor.rank(); ++i) shape += (i ? ", " : "") + std::to_string(tensor.dim(i));
  shape += tensor.rank() == 1 ? ",)" : ")";  // Python's tuple repr
  std::string dict = fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}", order, code, shape);
  // The whole header (preamble included) is padded with spaces to a multiple of 64, ending in '\n'.
  size_t preamble = kPreambleV1;
  if (dict.size() + 1 + kPreambleV1 > 65535) preamble = kPreambleV2;
  const size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';

  std::vector<std::byte> out(total + tensor.nbytes());
  std::memcpy(out.data(), kMagic, kMagicSize);
  out[6] = std::byte{static_cast<unsigned char>(preamble == kPreambleV1 ? 1 : 2)};
  out[7] = std::byte{0};
  const size_t len = dict.size();
  for (size_t i = 0; i < preamble - 8; ++i) out[8 + i] = std::byte{static_cast<unsigned char>((len >> (8 * i)) & 0xff)};
  std::memcpy(out.data() + preamble, dict.data(), dict.size());
  if (tensor.nbytes()) std::memcpy(out.data() + total, tensor.raw_data(), tensor.nbytes());
  return out;
}

Status write_npy_file(const std::string& path, const Tensor& tensor) {
  auto bytes = encode_npy(tensor);
  if (!bytes.is_ok()) return bytes.status().with_context(path);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return io_error("{}: cannot create file ({})", path, std::strerror(errno));
  out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return io_error("{}: writing failed ({})", path, std::strerror(errno));
  return Status::ok();
}

}  // namespace fovea
