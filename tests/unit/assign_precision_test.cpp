#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "core/npy.h"
#include "engine/model_import.h"
#include "ops/graph_checks.h"
#include "passes/assign_precision.h"
#include "passes/optimize_graph.h"

namespace fovea {
namespace {

// Small float32 models built by hand, then shape-inferred as an imported model would be.
class ModelBuilder {
 public:
  ModelBuilder() { g.opset = 17; }

  Value* input(const std::string& name, Dims d, DType t = DType::kFloat32) {
    Value* v = *g.add_value(name);
    v->dtype = t;
    v->shape = shape_from_dims(d);
    g.inputs.push_back(v);
    return v;
  }
  // A weight with deterministic pseudo-random values in [-scale, scale].
  Value* weight(const std::string& name, Dims d, float scale = 0.5f) {
    std::vector<float> data(static_cast<size_t>(element_count(d)));
    for (float& x : data) x = scale * (2.f * static_cast<float>(rng() % 10001) / 10000.f - 1.f);
    return constant(name, data, d);
  }
  Value* constant(const std::string& name, std::vector<float> data, Dims d) {
    return *g.add_constant(name, Tensor::from_vector<float>(data, std::move(d)));
  }
  Value* ints(const std::string& name, std::vector<int64_t> data) {
    const int64_t n = static_cast<int64_t>(data.size());
    return *g.add_constant(name, Tensor::from_vector<int64_t>(data, {n}));
  }
  Node* node(const std::string& name, const std::string& op, std::vector<Value*> inputs, std::vector<Attribute> attrs = {}) {
    Node* n = g.add_node(name, op);
    n->inputs = std::move(inputs);
    n->outputs = {*g.add_value(name + "_out")};
    n->attributes = std::move(attrs);
    EXPECT_TRUE(g.connect(n).is_ok());
    return n;
  }
  Value* out(Node* n) { return n->outputs[0]; }
  void output(Value* v) { g.outputs.push_back(v); }
  Graph finish() {
    ShapeInferenceOptions options;
    options.evaluate = cpu::run_node;
    Status s = infer_shapes(g, options);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return std::move(g);
  }

  Graph g;
  std::mt19937 rng{7};
};

const Node* find_node(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes())
    if (n->name == name) return n.get();
  return nullptr;
}

int count_ops(const Graph& g, const std::string& op) {
  int c = 0;
  for (const auto& n : g.nodes()) c += n->op_type == op;
  return c;
}

Tensor random_input(Dims d, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> data(static_cast<size_t>(element_count(d)));
  for (float& x : data) x = static_cast<float>(rng() % 2001) / 1000.f - 1.f;
  return Tensor::from_vector<float>(data, std::move(d));
}

// Runs both graphs on the CPU and returns, per output, max |a - b| / max(1, max |a|).
std::vector<double> relative_errors(const Graph& fp32, const Graph& fp16, const std::map<std::string, Tensor>& inputs) {
  auto ex32 = cpu::CpuExecutor::create(fp32);
  auto ex16 = cpu::CpuExecutor::create(fp16);
  EXPECT_TRUE(ex32.is_ok()) << ex32.status().to_string();
  EXPECT_TRUE(ex16.is_ok()) << ex16.status().to_string();
  if (!ex32.is_ok() || !ex16.is_ok()) return {};
  auto a = (*ex32)->run(inputs);
  auto b = (*ex16)->run(inputs);
  EXPECT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_TRUE(b.is_ok()) << b.status().to_string();
  if (!a.is_ok() || !b.is_ok()) return {};
  std::vector<double> errors;
  for (size_t i = 0; i < a->size(); ++i) {
    const Tensor &x = (*a)[i], &y = (*b)[i];
    EXPECT_EQ(y.dtype(), DType::kFloat32);
    EXPECT_EQ(x.dims(), y.dims());
    if (x.dtype() != DType::kFloat32 || y.dtype() != DType::kFloat32 || x.numel() != y.numel()) return {};
    double max_abs = 0, max_diff = 0;
    for (int64_t k = 0; k < x.numel(); ++k) {
      max_abs = std::max(max_abs, std::fabs(static_cast<double>(x.data<float>()[k])));
      max_diff = std::max(max_diff, std::fabs(static_cast<double>(x.data<float>()[k]) - y.data<float>()[k]));
    }
    errors.push_back(max_diff / std::max(1.0, max_abs));
  }
  return errors;
}

// x -> Conv -> Relu -> Conv -> Sigmoid -> y: the Sigmoid is the tail.
Graph conv_net() {
  ModelBuilder b;
  Value* x = b.input("x", {1, 3, 8, 8});
  Node* c1 = b.node("conv1", "Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})},
                    {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  Node* r = b.node("relu", "Relu", {b.out(c1)});
  Node* c2 = b.node("conv2", "Conv", {b.out(r), b.weight("w2", {4, 4, 1, 1})});
  Node* s = b.node("sigmoid", "Sigmoid", {b.out(c2)});
  b.output(b.out(s));
  return b.finish();
}

TEST(AssignPrecisionTest, ConvNetRunsInFp16WithCastsAtTheBoundaries) {
  Graph g = conv_net();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 3);  // conv1, relu, conv2
  EXPECT_EQ(rep.tail_nodes, 1);
  EXPECT_EQ(rep.casts_inserted, 2);
  EXPECT_EQ(count_ops(g, "Cast"), 2);
  EXPECT_EQ(rep.weights_converted, 3);
  EXPECT_EQ(g.find_value("x")->dtype, DType::kFloat32);
  EXPECT_EQ(g.find_value("sigmoid_out")->dtype, DType::kFloat32);
  EXPECT_EQ(g.find_value("conv1_out")->dtype, DType::kFloat16);
  EXPECT_EQ(g.find_value("relu_out")->dtype, DType::kFloat16);
  EXPECT_EQ(g.find_value("conv2_out")->dtype, DType::kFloat16);
  for (const char* w : {"w1", "b1", "w2"}) EXPECT_EQ(g.find_value(w)->dtype, DType::kFloat16) << w;
  const Node* conv1 = find_node(g, "conv1");
  ASSERT_NE(conv1->inputs[0]->producer, nullptr);
  EXPECT_EQ(conv1->inputs[0]->producer->op_type, "Cast");
  EXPECT_EQ(*conv1->inputs[0]->producer->attr_int("to", 0), 10);
  const Node* sigmoid = find_node(g, "sigmoid");
  EXPECT_EQ(sigmoid->inputs[0]->dtype, DType::kFloat32);
  EXPECT_EQ(*sigmoid->inputs[0]->producer->attr_int("to", 0), 1);

  Graph reference = conv_net();
  auto errors = relative_errors(reference, g, {{"x", random_input({1, 3, 8, 8}, 1)}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0], 5e-3);
}

TEST(AssignPrecisionTest, Fp32BuildWithoutOverridesChangesNothing) {
  Graph g = conv_net();
  const std::string before = g.dump(true);
  auto n = assign_precision(g, Precision::kFp32, {});
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(g.dump(true), before);
}

TEST(AssignPrecisionTest, GraphWithoutHeavyOpsIsAllTail) {
  ModelBuilder b;
  Value* x = b.input("x", {2, 5});
  Node* r = b.node("relu", "Relu", {x});
  Node* m = b.node("mul", "Mul", {b.out(r), b.constant("k", {3.f}, {})});
  b.output(b.out(m));
  Graph g = b.finish();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(rep.tail_nodes, 2);
  EXPECT_EQ(count_ops(g, "Cast"), 0);
}

TEST(AssignPrecisionTest, SensitiveOpsStayFp32BetweenFp16Layers) {
  ModelBuilder b;
  Value* x = b.input("x", {1, 4, 4, 4});
  Node* c1 = b.node("conv1", "Conv", {x, b.weight("w1", {4, 4, 1, 1})});
  Node* sm = b.node("softmax", "Softmax", {b.out(c1)}, {{"axis", int64_t{1}}});
  Node* c2 = b.node("conv2", "Conv", {b.out(sm), b.weight("w2", {2, 4, 1, 1})});
  b.output(b.out(c2));
  Graph g = b.finish();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(rep.sensitive_nodes, 1);
  // x -> fp16, conv1 -> fp32 for the Softmax, back to fp16 for conv2, conv2 -> fp32 output.
  EXPECT_EQ(count_ops(g, "Cast"), 4);
  EXPECT_EQ(g.find_value("softmax_out")->dtype, DType::kFloat32);
  EXPECT_EQ(find_node(g, "softmax")->inputs[0]->dtype, DType::kFloat32);
  EXPECT_EQ(find_node(g, "conv2")->inputs[0]->dtype, DType::kFloat16);
  const Value* y = g.outputs[0];
  EXPECT_EQ(y->name, "conv2_out");  // the graph output keeps its name and dtype
  EXPECT_EQ(y->dtype, DType::kFloat32);
  EXPECT_EQ(y->producer->op_type, "Cast");
  EXPECT_EQ(find_node(g, "conv2")->outputs[0]->dtype, DType::kFloat16);

  ModelBuilder b2;  // the same model again, for the reference run
  Value* x2 = b2.input("x", {1, 4, 4, 4});
  Node* d1 = b2.node("conv1", "Conv", {x2, b2.weight("w1", {4, 4, 1, 1})});
  Node* sm2 = b2.node("softmax", "Softmax", {b2.out(d1)}, {{"axis", int64_t{1}}});
  Node* d2 = b2.node("conv2", "Conv", {b2.out(sm2), b2.weight("w2", {2, 4, 1, 1})});
  b2.output(b2.out(d2));
  Graph reference = b2.finish();
  auto errors = relative_errors(reference, g, {{"x", random_input({1, 4, 4, 4}, 2)}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0], 5e-3);
}

TEST(AssignPrecisionTest, Fp16GraphOutputAlsoReadInsideIsNotCastBackAndForth) {
  ModelBuilder b;
  Value* x = b.input("x", {1, 2, 4, 4});
  Node* c1 = b.node("conv1", "Conv", {x, b.weight("w1", {2, 2, 1, 1})});
  Node* c2 = b.node("conv2", "Conv", {b.out(c1), b.weight("w2", {2, 2, 1, 1})});
  b.output(b.out(c1));
  b.output(b.out(c2));
  Graph g = b.finish();
  auto n = assign_precision(g, Precision::kFp16, {});
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(count_ops(g, "Cast"), 3);  // one after x, one before each output
  const Node* conv2 = find_node(g, "conv2");
  EXPECT_EQ(conv2->inputs[0]->producer, find_node(g, "conv1"));
  EXPECT_EQ(conv2->inputs[0]->dtype, DType::kFloat16);
  EXPECT_EQ(g.outputs[0]->name, "conv1_out");
  EXPECT_EQ(g.outputs[0]->dtype, DType::kFloat32);
}

TEST(AssignPrecisionTest, PerLayerOverridesWinBothWays) {
  Graph g = conv_net();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {{"conv1", Precision::kFp32}, {"no_such_layer", Precision::kFp32}}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);  // relu, conv2
  EXPECT_EQ(rep.fp32_overrides, 1);
  EXPECT_EQ(g.find_value("conv1_out")->dtype, DType::kFloat32);
  EXPECT_EQ(g.find_value("w1")->dtype, DType::kFloat32);
  EXPECT_EQ(g.find_value("relu_out")->dtype, DType::kFloat16);

  Graph h = conv_net();  // an fp32 build with one layer forced to fp16, even in the tail
  auto m = assign_precision(h, Precision::kFp32, {{"sigmoid", Precision::kFp16}}, &rep);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(*m, 1);
  EXPECT_EQ(rep.fp16_overrides, 1);
  EXPECT_EQ(h.find_value("conv2_out")->dtype, DType::kFloat32);
  EXPECT_EQ(find_node(h, "sigmoid")->inputs[0]->dtype, DType::kFloat16);
  EXPECT_EQ(h.outputs[0]->dtype, DType::kFloat32);
  EXPECT_EQ(count_ops(h, "Cast"), 2);
}

TEST(AssignPrecisionTest, SharedInitializerGetsAnFp16CopyAndBigWeightsClamp) {
  ModelBuilder b;
  Value* x = b.input("x", {1, 2, 4, 4});
  Value* k = b.constant("k", {0.5f}, {});
  Node* head = b.node("scale_in", "Mul", {x, k});  // feeds the convs: fp16
  Node* c1 = b.node("conv1", "Conv", {b.out(head), b.constant("w_big", {1e6f, -1e6f, 1.f, 70000.f}, {2, 2, 1, 1})});
  Node* tail = b.node("scale_out", "Mul", {b.out(c1), k});  // tail: fp32
  b.output(b.out(tail));
  Graph g = b.finish();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(rep.values_clamped, 3);
  EXPECT_EQ(rep.weights_converted, 2);
  const Value* k16 = find_node(g, "scale_in")->inputs[1];
  EXPECT_NE(k16, k);
  EXPECT_EQ(k16->dtype, DType::kFloat16);
  EXPECT_EQ(k->dtype, DType::kFloat32);  // still read by the fp32 tail
  EXPECT_EQ(find_node(g, "scale_out")->inputs[1], k);
  const Value* w = g.find_value("w_big");
  ASSERT_EQ(w->dtype, DType::kFloat16);
  const Half* h = w->constant->data<Half>();
  EXPECT_EQ(half_to_float(h[0]), 65504.f);
  EXPECT_EQ(half_to_float(h[1]), -65504.f);
  EXPECT_EQ(half_to_float(h[2]), 1.f);
  EXPECT_EQ(half_to_float(h[3]), 65504.f);
}

TEST(AssignPrecisionTest, CastToFloatBecomesCastToFloat16AndIntegersStay) {
  ModelBuilder b;
  Value* x = b.input("image", {1, 3, 4, 4}, DType::kUInt8);
  Node* cast = b.node("to_float", "Cast", {x}, {{"to", int64_t{1}}});
  Node* norm = b.node("normalize", "Div", {b.out(cast), b.constant("k255", {255.f}, {})});
  Node* gather = b.node("pick", "Gather", {b.out(norm), b.ints("channels", {2, 1, 0})}, {{"axis", int64_t{1}}});
  Node* conv = b.node("conv", "Conv", {b.out(gather), b.weight("w", {2, 3, 1, 1})});
  b.output(b.out(conv));
  Graph g = b.finish();
  auto n = assign_precision(g, Precision::kFp16, {});
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(*find_node(g, "to_float")->attr_int("to", 0), 10);
  EXPECT_EQ(g.find_value("to_float_out")->dtype, DType::kFloat16);
  EXPECT_EQ(g.find_value("channels")->dtype, DType::kInt64);
  EXPECT_EQ(g.find_value("image")->dtype, DType::kUInt8);
  EXPECT_EQ(count_ops(g, "Cast"), 2);  // the model's own, and the one before the output

  // Numerics: the uint8 image through the fp16 graph.
  ModelBuilder r;
  Value* rx = r.input("image", {1, 3, 4, 4}, DType::kUInt8);
  Node* rc = r.node("to_float", "Cast", {rx}, {{"to", int64_t{1}}});
  Node* rn = r.node("normalize", "Div", {r.out(rc), r.constant("k255", {255.f}, {})});
  Node* rg = r.node("pick", "Gather", {r.out(rn), r.ints("channels", {2, 1, 0})}, {{"axis", int64_t{1}}});
  Node* rv = r.node("conv", "Conv", {r.out(rg), r.weight("w", {2, 3, 1, 1})});
  r.output(r.out(rv));
  Graph reference = r.finish();
  std::vector<uint8_t> pixels(48);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 5);
  auto errors = relative_errors(reference, g, {{"image", Tensor::from_vector<uint8_t>(pixels, {1, 3, 4, 4})}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0], 5e-3);
}

TEST(AssignPrecisionTest, ResizeScalesStayFloat32) {
  ModelBuilder b;
  Value* x = b.input("x", {1, 2, 4, 4});
  Node* c1 = b.node("conv1", "Conv", {x, b.weight("w1", {2, 2, 1, 1})});
  Value* none = nullptr;
  Node* up = b.node("upsample", "Resize", {b.out(c1), none, b.constant("scales", {1.f, 1.f, 2.f, 2.f}, {4})},
                    {{"mode", std::string("nearest")}});
  Node* c2 = b.node("conv2", "Conv", {b.out(up), b.weight("w2", {2, 2, 1, 1})});
  b.output(b.out(c2));
  Graph g = b.finish();
  auto n = assign_precision(g, Precision::kFp16, {});
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 3);
  EXPECT_EQ(g.find_value("scales")->dtype, DType::kFloat32);
  EXPECT_EQ(g.find_value("upsample_out")->dtype, DType::kFloat16);
  EXPECT_EQ(g.find_value("upsample_out")->shape->at(2).value, 8);
}

Graph pooled_net() {
  ModelBuilder b;
  Value* x = b.input("x", {1, 4, 6, 6});
  Node* c1 = b.node("conv1", "Conv", {x, b.weight("w1", {4, 4, 3, 3})}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  Node* pool = b.node("pool", "MaxPool", {b.out(c1)}, {{"kernel_shape", std::vector<int64_t>{2, 2}},
                                                        {"strides", std::vector<int64_t>{2, 2}}});
  Node* rmax = b.node("rmax", "ReduceMax", {b.out(pool)}, {{"axes", std::vector<int64_t>{1}}});
  Node* c2 = b.node("conv2", "Conv", {b.out(rmax), b.weight("w2", {3, 1, 1, 1})});
  Node* gap = b.node("gap", "GlobalAveragePool", {b.out(c2)});
  Node* flat = b.node("flat", "Flatten", {b.out(gap)});
  Node* fc = b.node("fc", "Gemm", {b.out(flat), b.weight("wf", {2, 3}), b.weight("bf", {2})}, {{"transB", int64_t{1}}});
  b.output(b.out(fc));
  return b.finish();
}

TEST(AssignPrecisionTest, PoolsReductionsAndGemmRunInFp16OnTheCpuReference) {
  Graph g = pooled_net();
  auto n = assign_precision(g, Precision::kFp16, {});
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 7);
  EXPECT_EQ(g.find_value("rmax_out")->dtype, DType::kFloat16);
  EXPECT_EQ(g.find_value("gap_out")->dtype, DType::kFloat16);
  Graph reference = pooled_net();
  auto errors = relative_errors(reference, g, {{"x", random_input({1, 4, 6, 6}, 4)}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0], 5e-3);
}

// The real models: the rewrite must survive shape inference, and the fp16 graph must track the
// fp32 one on the CPU reference.
Graph load_batch1(const std::string& file) {
  auto loaded = load_onnx_model(std::string(FOVEA_SOURCE_DIR) + "/models/" + file);
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  if (!loaded.is_ok()) return Graph();
  Graph g = std::move(loaded).value();
  for (Value* in : g.inputs)
    for (Dim& d : *in->shape)
      if (!d.is_known()) d = Dim::known(1);
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;
  EXPECT_TRUE(infer_shapes(g, options).is_ok());
  return g;
}

void check_model(const std::string& file, double tolerance, PrecisionReport& rep) {
  Graph reference = load_batch1(file);
  Graph g = load_batch1(file);
  ASSERT_FALSE(g.inputs.empty());
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  std::printf("%s: %s\n", file.c_str(), rep.summary().c_str());
  EXPECT_GT(*n, 0);
  for (const Value* out : g.outputs) EXPECT_EQ(out->dtype, DType::kFloat32) << out->name;
  std::map<std::string, Tensor> inputs;
  for (const Value* in : g.inputs) {
    auto dims = dims_from_shape(*in->shape, in->name);
    ASSERT_TRUE(dims.is_ok());
    inputs[in->name] = random_input(*dims, 3);
  }
  auto errors = relative_errors(reference, g, inputs);
  ASSERT_EQ(errors.size(), g.outputs.size());
  for (size_t i = 0; i < errors.size(); ++i) {
    std::printf("  output '%s': max error %.2e relative to max(1, max |fp32|)\n", g.outputs[i]->name.c_str(), errors[i]);
    EXPECT_LT(errors[i], tolerance) << g.outputs[i]->name;
  }
}

TEST(AssignPrecisionModelTest, YoloV8nArchitecture) {
  PrecisionReport rep;
  check_model("demo/detector.onnx", 2e-2, rep);
  EXPECT_GT(rep.tail_nodes, 0);       // the box decoding
  EXPECT_GT(rep.sensitive_nodes, 0);  // the DFL softmax
}

// The builder's order: optimization passes first, so fused convs are the heavy ops.
TEST(AssignPrecisionModelTest, YoloV8nAfterTheOptimizationPasses) {
  Graph reference = load_batch1("demo/detector.onnx");
  Graph g = load_batch1("demo/detector.onnx");
  auto optimized = optimize_graph(g);
  ASSERT_TRUE(optimized.is_ok()) << optimized.status().to_string();
  PrecisionReport rep;
  auto n = assign_precision(g, Precision::kFp16, {}, &rep);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  std::printf("optimized demo/detector.onnx: %s\n", rep.summary().c_str());
  int fused_fp16 = 0;
  for (const auto& node : g.nodes())
    if (node->domain == "fovea" && node->op_type == "FusedConv") fused_fp16 += node->outputs[0]->dtype == DType::kFloat16;
  EXPECT_GT(fused_fp16, 50);
  EXPECT_GT(rep.tail_nodes, 0);
  EXPECT_EQ(g.outputs[0]->dtype, DType::kFloat32);
  // Numerics only where the CPU reference has float16 kernels for the fused ops.
  auto run = cpu::CpuExecutor::create(g);
  ASSERT_TRUE(run.is_ok()) << run.status().to_string();
  auto out = (*run)->run({{g.inputs[0]->name, random_input({1, 3, 640, 640}, 5)}});
  if (!out.is_ok() && out.status().code() == StatusCode::kUnsupported) {
    std::printf("  not compared: %s\n", out.status().message().c_str());
    return;
  }
  auto errors = relative_errors(reference, g, {{g.inputs[0]->name, random_input({1, 3, 640, 640}, 5)}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0], 2e-2);
}

TEST(AssignPrecisionModelTest, ResNetSmall) {
  PrecisionReport rep;
  check_model("resnet_small.onnx", 2e-2, rep);
}

TEST(AssignPrecisionModelTest, MobileNetV3Small) {
  PrecisionReport rep;
  check_model("mobilenetv3_small.onnx", 2e-2, rep);
}

}  // namespace
}  // namespace fovea
