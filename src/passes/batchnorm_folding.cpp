#include "passes/batchnorm_folding.h"

#include <cmath>
#include <functional>

#include "passes/graph_editor.h"

namespace fovea {
namespace {

bool is_float32_constant(const Value* v) { return v && v->constant && v->constant->dtype() == DType::kFloat32; }

// An inference-mode BN as y = (x - mean) * scale + shift, per channel.
struct ChannelAffine {
  std::vector<double> scale, mean, shift;
};

// The BN's affine form, or nullopt when its parameters are not float32 constants of `channels` elements.
Result<std::optional<ChannelAffine>> bn_affine(const Node& bn, int64_t channels) {
  for (size_t i = 1; i < 5; ++i)
    if (!is_float32_constant(bn.inputs[i]) || bn.inputs[i]->constant->numel() != channels)
      return std::optional<ChannelAffine>();
  FOVEA_ASSIGN_OR_RETURN(const float eps, bn.attr_float("epsilon", 1e-5f));
  auto gamma = bn.inputs[1]->constant->values<float>(), beta = bn.inputs[2]->constant->values<float>();
  auto mean = bn.inputs[3]->constant->values<float>(), var = bn.inputs[4]->constant->values<float>();
  ChannelAffine a;
  for (int64_t c = 0; c < channels; ++c) {
    a.scale.push_back(gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps));
    a.mean.push_back(mean[c]);
    a.shift.push_back(beta[c]);
  }
  return std::optional<ChannelAffine>(std::move(a));
}

// What folding needs to know about the producer: its output channel count and, for each weight
// element, the output channel it feeds.
struct WeightLayout {
  int64_t channels = 0;
  std::function<int64_t(int64_t)> channel_of;
};

// Conv W [M, C/g, k...]; ConvTranspose W [C, M/g, k...]; Gemm B [K, N] or, with transB, [N, K].
Result<std::optional<WeightLayout>> weight_layout(const Node& p, const Tensor& w) {
  const int64_t n = w.numel();
  WeightLayout l;
  if (p.op_type == "Conv") {
    if (w.rank() < 3 || w.dim(0) == 0) return std::optional<WeightLayout>();
    l.channels = w.dim(0);
    const int64_t per = n / l.channels;
    l.channel_of = [per](int64_t i) { return i / per; };
  } else if (p.op_type == "ConvTranspose") {
    FOVEA_ASSIGN_OR_RETURN(const int64_t group, p.attr_int("group", 1));
    if (w.rank() < 3 || group < 1 || w.dim(0) % group != 0 || w.dim(0) == 0 || w.dim(1) == 0)
      return std::optional<WeightLayout>();
    const int64_t m_per_group = w.dim(1), c_per_group = w.dim(0) / group, k = n / (w.dim(0) * m_per_group);
    l.channels = m_per_group * group;
    l.channel_of = [=](int64_t i) { return (i / (m_per_group * k)) / c_per_group * m_per_group + (i / k) % m_per_group; };
  } else {  // Gemm
    FOVEA_ASSIGN_OR_RETURN(const int64_t trans_b, p.attr_int("transB", 0));
    if (w.rank() != 2) return std::optional<WeightLayout>();
    l.channels = trans_b ? w.dim(0) : w.dim(1);
    const int64_t cols = w.dim(1);
    if (trans_b) l.channel_of = [cols](int64_t i) { return i / cols; };
    else l.channel_of = [cols](int64_t i) { return i % cols; };
  }
  return std::optional<WeightLayout>(std::move(l));
}

// The producer's bias per channel (beta * C for Gemm), or nullopt when it is not a float32
// constant of one element per channel (or a single broadcast element, for Gemm).
Result<std::optional<std::vector<double>>> producer_bias(const Node& p, int64_t channels) {
  std::vector<double> bias(static_cast<size_t>(channels), 0.0);
  if (!p.has_input(2)) return std::optional<std::vector<double>>(std::move(bias));
  const Value* b = p.inputs[2];
  if (!is_float32_constant(b)) return std::optional<std::vector<double>>();
  const Tensor& t = *b->constant;
  double factor = 1.0;
  if (p.op_type == "Gemm") {
    FOVEA_ASSIGN_OR_RETURN(const float beta, p.attr_float("beta", 1.0f));
    factor = beta;
    // [N], [1, N] or one element; a C with rows (per-sample bias) is not folded.
    const bool per_channel = t.numel() == channels && (t.rank() == 1 || (t.rank() == 2 && t.dim(0) == 1));
    if (!per_channel && t.numel() != 1) return std::optional<std::vector<double>>();
  } else if (t.rank() != 1 || t.numel() != channels) {
    return std::optional<std::vector<double>>();
  }
  for (int64_t c = 0; c < channels; ++c) bias[c] = factor * t.data<float>()[t.numel() == 1 ? 0 : c];
  return std::optional<std::vector<double>>(std::move(bias));
}

// Match for one BN; on success the producer is rewritten and the BN removed.
Result<bool> fold_one(GraphEditor& editor, Node* bn) {
  Graph& graph = editor.graph();
  if (bn->inputs.size() != 5 || !bn->has_input(0) || !bn->has_output(0)) return false;
  for (size_t i = 1; i < bn->outputs.size(); ++i)  // training-mode outputs must be unused
    if (bn->outputs[i] && (!bn->outputs[i]->consumers.empty() || is_graph_output(graph, bn->outputs[i]))) return false;
  FOVEA_ASSIGN_OR_RETURN(const int64_t training, bn->attr_int("training_mode", 0));
  if (training != 0) return false;
  Value* x = bn->inputs[0];
  Node* p = x->producer;
  if (!p || !(is_onnx_op(p, "Conv") || is_onnx_op(p, "ConvTranspose") || is_onnx_op(p, "Gemm"))) return false;
  if (editor.is_removed(p) || !only_read_by(graph, x, bn) || p->outputs.size() != 1) return false;
  if (!p->has_input(1) || !is_float32_constant(p->inputs[1])) return false;
  if (x->shape && x->shape->size() < 2) return false;
  const Tensor& w = *p->inputs[1]->constant;
  FOVEA_ASSIGN_OR_RETURN(std::optional<WeightLayout> layout, weight_layout(*p, w));
  if (!layout) return false;
  FOVEA_ASSIGN_OR_RETURN(std::optional<ChannelAffine> affine, bn_affine(*bn, layout->channels));
  if (!affine) return false;
  FOVEA_ASSIGN_OR_RETURN(std::optional<std::vector<double>> bias, producer_bias(*p, layout->channels));
  if (!bias) return false;

  Tensor new_w = w.clone();
  float* pw = new_w.data<float>();
  for (int64_t i = 0; i < new_w.numel(); ++i) pw[i] = static_cast<float>(pw[i] * affine->scale[layout->channel_of(i)]);
  std::vector<float> new_b(bias->size());
  for (size_t c = 0; c < new_b.size(); ++c)
    new_b[c] = static_cast<float>(((*bias)[c] - affine->mean[c]) * affine->scale[c] + affine->shift[c]);

  FOVEA_ASSIGN_OR_RETURN(Value * w_value, graph.add_constant(p->inputs[1]->name + "_bn_folded", std::move(new_w)));
  FOVEA_ASSIGN_OR_RETURN(Value * b_value, graph.add_constant(p->name + "_bn_bias",
                                                              Tensor::from_vector<float>(new_b, {layout->channels})));
  p->replace_input(1, w_value);
  if (p->inputs.size() < 3) p->inputs.push_back(nullptr);
  p->replace_input(2, b_value);
  if (p->op_type == "Gemm") p->set_attribute("beta", 1.0f);
  Value* y = bn->outputs[0];
  editor.remove(bn);
  p->outputs[0] = y;
  y->producer = p;
  return true;
}

}  // namespace

Result<int> fold_batchnorm_into_conv(Graph& graph) {
  std::vector<Node*> bns;
  for (const auto& n : graph.nodes())
    if (is_onnx_op(n.get(), "BatchNormalization")) bns.push_back(n.get());
  GraphEditor editor(graph);
  int folded = 0;
  for (Node* bn : bns) {
    FOVEA_ASSIGN_OR_RETURN(const bool done, fold_one(editor, bn));
    folded += done ? 1 : 0;
  }
  editor.commit();
  return folded;
}

}  // namespace fovea
