#include "backends/cuda/conv_geometry.h"

#include <limits>

#include "ops/conv_params.h"

namespace fovea::cuda {
namespace {

Status check_fits_int(const Node& node, const Dims& d, const char* what) {
  for (int64_t v : d)
    if (v < 0 || v > std::numeric_limits<int>::max())
      return unsupported("{}: {} dims {} exceed what cuDNN takes (int32)", node.describe(), what, dims_to_string(d));
  return Status::ok();
}

std::vector<int> to_ints(const Dims& d) { return std::vector<int>(d.begin(), d.end()); }

Dims concat(int64_t a, int64_t b, const Dims& rest) {
  Dims d{a, b};
  d.insert(d.end(), rest.begin(), rest.end());
  return d;
}

}  // namespace

Result<ConvProblem> make_conv_problem(const Node& node, bool transposed, const Dims& x, const Dims& w) {
  if (x.size() < 3 || w.size() != x.size())
    return invalid_argument("{}: X {} and W {} must have the same rank >= 3", node.describe(), dims_to_string(x),
                            dims_to_string(w));
  ConvProblem p;
  p.transposed = transposed;
  FOVEA_ASSIGN_OR_RETURN(p.group, node.attr_int("group", 1));
  p.batch = x[0];
  p.in_channels = x[1];
  if (p.group < 1 || p.in_channels % p.group != 0)
    return invalid_argument("{}: group {} does not divide the {} input channels", node.describe(), p.group,
                            p.in_channels);
  if (transposed) {
    if (w[0] != p.in_channels)
      return invalid_argument("{}: W has {} input channels, X has {}", node.describe(), w[0], p.in_channels);
    p.out_channels = w[1] * p.group;
  } else {
    if (w[1] * p.group != p.in_channels)
      return invalid_argument("{}: W has {} input channels per group, X has {} and group is {}", node.describe(),
                              w[1], p.in_channels, p.group);
    if (w[0] % p.group != 0)
      return invalid_argument("{}: {} output channels not divisible by group {}", node.describe(), w[0], p.group);
    p.out_channels = w[0];
  }
  const int64_t r = static_cast<int64_t>(x.size()) - 2;
  const WindowKind kind = transposed ? WindowKind::kConvTranspose : WindowKind::kConv;
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs a, parse_window_attrs(node, kind, r, Dims(w.begin() + 2, w.end())));
  p.in.assign(x.begin() + 2, x.end());
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow win, resolve_window(node, kind, a, p.in));
  p.out = win.out;
  p.kernel = a.kernel;
  p.strides = a.strides;
  p.dilations = a.dilations;
  p.pads_begin.assign(win.pads.begin(), win.pads.begin() + r);
  p.pads_end.assign(win.pads.begin() + r, win.pads.end());
  return p;
}

bool depthwise_applies(const ConvProblem& p) {
  return !p.transposed && (p.in.size() == 1 || p.in.size() == 2) && p.group == p.in_channels &&
         p.in_channels > 0 && p.out_channels % p.in_channels == 0;
}

Result<CudnnConvShape> cudnn_conv_shape(const Node& node, const ConvProblem& p0) {
  ConvProblem p = p0;
  if (p.in.size() > 3)
    return unsupported("{}: {} spatial dims; cuDNN convolutions take at most 3", node.describe(), p.in.size());
  if (p.in.size() == 1) {  // lift 1-D to 2-D with height 1
    for (Dims* d : {&p.in, &p.out, &p.kernel, &p.strides, &p.dilations}) d->insert(d->begin(), 1);
    for (Dims* d : {&p.pads_begin, &p.pads_end}) d->insert(d->begin(), 0);
  }
  const size_t r = p.in.size();
  CudnnConvShape s;
  s.strides = to_ints(p.strides);
  s.dilations = to_ints(p.dilations);
  s.copy_offset.assign(r, 0);
  const bool symmetric = p.pads_begin == p.pads_end;
  const int64_t n = p.batch, c = p.in_channels, m = p.out_channels;
  if (!p.transposed) {
    s.w = concat(m, c / p.group, p.kernel);
    s.y = concat(n, m, p.out);
    s.unstaged_x = concat(n, c, p.in);
    if (symmetric) {
      s.x = s.unstaged_x;
      s.pads = to_ints(p.pads_begin);
    } else {
      Dims padded(r);
      for (size_t i = 0; i < r; ++i) {
        padded[i] = p.in[i] + p.pads_begin[i] + p.pads_end[i];
        s.copy_offset[i] = -p.pads_begin[i];
      }
      s.x = concat(n, c, padded);
      s.pads.assign(r, 0);
      s.staged = true;
    }
  } else {
    s.w = concat(c, m / p.group, p.kernel);
    s.y = concat(n, c, p.in);
    s.unstaged_x = concat(n, m, p.out);
    // cuDNN accepts dx dims whose forward convolution gives dy's dims (output_padding < stride
    // rows are absorbed by the floor, as PyTorch relies on); anything else is staged.
    bool direct = symmetric;
    for (size_t i = 0; i < r && direct; ++i) {
      const int64_t span = p.out[i] + 2 * p.pads_begin[i] - dilated_extent(p.kernel[i], p.dilations[i]);
      direct = span >= 0 && span / p.strides[i] + 1 == p.in[i];
    }
    if (direct) {
      s.x = s.unstaged_x;
      s.pads = to_ints(p.pads_begin);
    } else {
      Dims full(r);
      for (size_t i = 0; i < r; ++i) {
        full[i] = p.strides[i] * (p.in[i] - 1) + dilated_extent(p.kernel[i], p.dilations[i]);
        s.copy_offset[i] = p.pads_begin[i];
      }
      s.x = concat(n, m, full);
      s.pads.assign(r, 0);
      s.staged = true;
    }
  }
  FOVEA_RETURN_IF_ERROR(check_fits_int(node, s.x, "input"));
  FOVEA_RETURN_IF_ERROR(check_fits_int(node, s.w, "weight"));
  FOVEA_RETURN_IF_ERROR(check_fits_int(node, s.y, "output"));
  FOVEA_RETURN_IF_ERROR(check_fits_int(node, p.pads_begin, "pads"));
  return s;
}

size_t staged_bytes(const CudnnConvShape& s, size_t element_size) {
  return s.staged ? static_cast<size_t>(element_count(s.x)) * element_size : 0;
}

}  // namespace fovea::cuda
