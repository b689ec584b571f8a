#include "ops/symbolic_values.h"

#include <algorithm>

namespace fovea {
namespace {

constexpr size_t kMaxTracked = 16;  // shape tensors are short; anything longer is not tracked

using Ints = std::vector<SymbolicInt>;

std::optional<Ints> ints_of(const TensorInfo& info) {
  if (!info.present) return std::nullopt;
  if (info.value) {
    const Tensor& t = *info.value;
    if (t.rank() > 1 || !dtype_is_integer(t.dtype()) || t.numel() > static_cast<int64_t>(kMaxTracked)) return std::nullopt;
    Ints v;
    for (int64_t i = 0; i < t.numel(); ++i) v.push_back({t.int_at(i), {}});
    return v;
  }
  return info.symbolic_value;
}

std::optional<int64_t> scalar_int(const TensorInfo& info) {
  if (!info.value || info.value->numel() != 1 || !dtype_is_integer(info.value->dtype())) return std::nullopt;
  return info.value->int_at(0);
}

std::optional<Ints> shape_of(const Node& node, const TensorInfo& in) {
  if (!in.shape || in.shape->size() > kMaxTracked) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(in.shape->size());
  int64_t start = node.attr_int("start", 0).is_ok() ? node.attr_int("start", 0).value() : 0;
  int64_t end = node.attr_int("end", rank).is_ok() ? node.attr_int("end", rank).value() : rank;
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  Ints v;
  for (int64_t i = start; i < end; ++i) {
    const Dim& d = (*in.shape)[i];
    v.push_back(d.is_known() ? SymbolicInt{d.value, {}} : SymbolicInt{std::nullopt, d.symbol});
  }
  return v;
}

std::optional<Ints> gather(const Node& node, const std::vector<TensorInfo>& in) {
  auto data = ints_of(in[0]);
  if (!data || in.size() < 2 || !in[1].value || in[1].value->rank() > 1) return std::nullopt;
  auto axis = node.attr_int("axis", 0);
  if (!axis.is_ok() || (*axis != 0 && *axis != -1)) return std::nullopt;
  Ints v;
  const int64_t n = static_cast<int64_t>(data->size());
  for (int64_t i = 0; i < in[1].value->numel(); ++i) {
    int64_t idx = in[1].value->int_at(i);
    if (idx < 0) idx += n;
    if (idx < 0 || idx >= n) return std::nullopt;
    v.push_back((*data)[idx]);
  }
  return v;
}

std::optional<Ints> slice(const Node& node, int64_t opset, const std::vector<TensorInfo>& in) {
  auto data = ints_of(in[0]);
  if (!data || opset < 10 || in.size() < 3) return std::nullopt;
  auto s = scalar_int(in[1]), e = scalar_int(in[2]);
  if (!s || !e) return std::nullopt;
  if (in.size() > 3 && in[3].present && scalar_int(in[3]).value_or(1) != 0 && scalar_int(in[3]).value_or(1) != -1)
    return std::nullopt;
  const int64_t step = in.size() > 4 && in[4].present ? scalar_int(in[4]).value_or(0) : 1;
  if (step != 1) return std::nullopt;
  const int64_t n = static_cast<int64_t>(data->size());
  int64_t start = *s < 0 ? *s + n : *s, end = *e < 0 ? *e + n : *e;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, 0, n);
  return Ints(data->begin() + start, data->begin() + std::max(start, end));
}

std::optional<Ints> arithmetic(const std::string& op, const std::vector<TensorInfo>& in) {
  auto a = ints_of(in[0]), b = ints_of(in[1]);
  if (!a || !b || (a->size() != b->size() && a->size() != 1 && b->size() != 1)) return std::nullopt;
  const size_t n = std::max(a->size(), b->size());
  Ints v;
  for (size_t i = 0; i < n; ++i) {
    const SymbolicInt& x = (*a)[a->size() == 1 ? 0 : i];
    const SymbolicInt& y = (*b)[b->size() == 1 ? 0 : i];
    if (x.value && y.value) {
      int64_t r = 0;
      if (op == "Add") r = *x.value + *y.value;
      else if (op == "Sub") r = *x.value - *y.value;
      else if (op == "Mul") r = *x.value * *y.value;
      else if (*y.value == 0) return std::nullopt;
      else r = *x.value / *y.value;
      v.push_back({r, {}});
    } else if ((op == "Mul" || op == "Div") && y.value == 1) {
      v.push_back(x);
    } else if (op == "Mul" && x.value == 1) {
      v.push_back(y);
    } else if ((op == "Add" || op == "Sub") && y.value == 0) {
      v.push_back(x);
    } else {
      v.push_back({});
    }
  }
  return v;
}

}  // namespace

std::optional<std::vector<SymbolicInt>> propagate_symbolic_ints(const Node& node, int64_t opset,
                                                                const std::vector<TensorInfo>& in) {
  if (!node.domain.empty() || in.empty()) return std::nullopt;
  const std::string& op = node.op_type;
  if (op == "Shape") return shape_of(node, in[0]);
  if (op == "Gather") return gather(node, in);
  if (op == "Identity" || op == "Cast" || op == "Squeeze" || op == "Unsqueeze") {
    // Only 0-D <-> 1-D changes keep the element list the same.
    return ints_of(in[0]);
  }
  if (op == "Slice") return slice(node, opset, in);
  if (op == "Concat") {
    Ints v;
    for (const TensorInfo& info : in) {
      auto part = ints_of(info);
      if (!part) return std::nullopt;
      v.insert(v.end(), part->begin(), part->end());
    }
    if (v.size() > kMaxTracked) return std::nullopt;
    return v;
  }
  if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && in.size() == 2) return arithmetic(op, in);
  return std::nullopt;
}

}  // namespace fovea
