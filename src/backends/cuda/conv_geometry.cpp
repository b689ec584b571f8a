#include "backends/cuda/conv_geometry.h"

#include <algorithm>
#include <limits>
#include <string>

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

// make_conv_problem for NCHW-ordered dims.
Result<ConvProblem> make_channels_first_problem(const Node& node, bool transposed, const Dims& x, const Dims& w) {
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

}  // namespace

Result<bool> conv_layout_is_nhwc(const Node& node) {
  FOVEA_ASSIGN_OR_RETURN(std::string layout, node.attr_string("layout", "NCHW"));
  if (layout == "NCHW") return false;
  if (layout == "NHWC") return true;
  return invalid_argument("{}: layout must be \"NCHW\" or \"NHWC\", got \"{}\"", node.describe(), layout);
}

Result<ConvProblem> make_conv_problem(const Node& node, bool transposed, const Dims& x, const Dims& w) {
  FOVEA_ASSIGN_OR_RETURN(bool nhwc, conv_layout_is_nhwc(node));
  if (!nhwc) return make_channels_first_problem(node, transposed, x, w);
  if (transposed) return unsupported("{}: layout NHWC is defined for forward convolutions only", node.describe());
  if (x.size() != 4 || w.size() != 4)
    return invalid_argument("{}: layout NHWC takes 4-D X [N,H,W,C] and W [K,R,S,C/group], got X {} and W {}",
                            node.describe(), dims_to_string(x), dims_to_string(w));
  // The same sizes as the NCHW conv over the transposed tensors.
  FOVEA_ASSIGN_OR_RETURN(ConvProblem p, make_channels_first_problem(node, false, Dims{x[0], x[3], x[1], x[2]},
                                                                    Dims{w[0], w[3], w[1], w[2]}));
  p.nhwc = true;
  return p;
}

Dims conv_output_dims(const ConvProblem& p) {
  if (p.nhwc) return Dims{p.batch, p.out[0], p.out[1], p.out_channels};
  return concat(p.batch, p.out_channels, p.out);
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
  s.nhwc = p.nhwc;  // 2-D only (make_conv_problem), so never lifted
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

std::vector<int> cudnn_tensor_strides(const Dims& dims, bool nhwc) {
  std::vector<int> strides(dims.size());
  int64_t s = 1;
  auto place = [&](size_t i) {
    strides[i] = static_cast<int>(std::min<int64_t>(s, std::numeric_limits<int>::max()));
    s *= dims[i];
  };
  if (!nhwc || dims.size() < 3) {
    for (size_t i = dims.size(); i-- > 0;) place(i);
    return strides;
  }
  place(1);
  for (size_t i = dims.size(); i-- > 2;) place(i);
  place(0);
  return strides;
}

size_t staged_bytes(const CudnnConvShape& s, size_t element_size) {
  return s.staged ? static_cast<size_t>(element_count(s.x)) * element_size : 0;
}

}  // namespace fovea::cuda
