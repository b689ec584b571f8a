// The NHWC layout pass (passes/nhwc_layout.h) on small graphs and the bundled models: Transposes
// only at region boundaries, and outputs equal to the NCHW graph's on the CPU executor. Also the
// NHWC ops it makes: fovea.FusedConv with layout NHWC and fovea.MaxPool (shape checks, kernels).
#include "engine/model_import.h"
#include "ir/precision.h"
#include "passes/assign_precision.h"
#include "passes/nhwc_layout.h"
#include "passes/optimize_graph.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::TestGraph;

Attribute ints(const std::string& name, std::vector<int64_t> v) { return {name, std::move(v)}; }
Attribute int1(const std::string& name, int64_t v) { return {name, v}; }
Attribute str(const std::string& name, std::string v) { return {name, std::move(v)}; }

int count_nhwc_convs(const Graph& g) {
  int n = 0;
  for (const auto& node : g.nodes())
    if (node->op_type == "FusedConv" && *node->attr_string("layout", "NCHW") == "NHWC") ++n;
  return n;
}

int count_domain_op(const Graph& g, const std::string& domain, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->domain == domain && node->op_type == op ? 1 : 0;
  return n;
}

// Converts and checks the result against the NCHW graph; returns the report.
NhwcReport convert_and_compare(TestGraph& t, double rtol = 1e-5) {
  t.prepare();
  NhwcReport report;
  testing::expect_same_results(t.graph, t.random_inputs(), [&](Graph& g) {
    auto r = convert_to_nhwc(g, &report);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(*r, report.convs);
  }, rtol);
  return report;
}

// conv -> relu -> maxpool -> {conv} -> concat -> resize -> conv: one region, a Transpose at the
// input and one at the output.
TEST(NhwcLayoutTest, ConvPoolConcatResizeChainNeedsTwoTransposes) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 16, 12});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {8, 3, 3, 3}, 1), t.random_constant("b1", {8}, 2)},
                     {ints("pads", {1, 1, 1, 1})});
  Value* r = t.node("Relu", {c1});
  Value* p = t.node("MaxPool", {r}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})});
  Value* c2 = t.node("Conv", {p, t.random_constant("w2", {8, 8, 1, 1}, 3)});
  Value* p2 = t.node("Sigmoid", {p});
  Value* cat = t.node("Concat", {p2, c2}, {int1("axis", -3)});
  Value* scales = t.constant("scales", Tensor::from_vector<float>({1, 1, 2, 2}, {4}));
  Value* up = t.node("Resize", {cat, nullptr, scales}, {str("mode", "nearest")});
  Value* y = t.node("Conv", {up, t.random_constant("w3", {4, 16, 3, 3}, 4)}, {ints("pads", {1, 1, 1, 1})});
  t.output(y);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 3);
  EXPECT_EQ(rep.regions, 1);
  EXPECT_EQ(rep.transposes, 2);
  EXPECT_EQ(count_ops(t.graph, "Transpose"), 2);
  EXPECT_EQ(count_nhwc_convs(t.graph), 3);
  EXPECT_EQ(count_ops(t.graph, "Conv"), 0);
  EXPECT_EQ(count_domain_op(t.graph, "fovea", "MaxPool"), 1);
  EXPECT_EQ(*testing::first_op(t.graph, "Concat")->attr_int("axis", 0), 3);
  // Names, dtypes and shapes of the graph's inputs and outputs are unchanged.
  EXPECT_EQ(t.graph.inputs[0]->name, "x");
  EXPECT_EQ(t.graph.outputs[0], y);
  EXPECT_EQ(shape_to_string(*y->shape), "[1,4,16,12]");
  EXPECT_EQ(shape_to_string(*c2->producer->inputs[1]->shape), "[8,1,1,8]");  // KRSC
  EXPECT_EQ(shape_to_string(*c2->shape), "[1,8,6,8]");                       // inside: NHWC
}

// Split on channels, per-channel Mul / Add constants, a FusedConv with a residual, then
// GlobalAveragePool -> Flatten -> Gemm: the pool becomes ReduceMean over [1,2] and its [N,1,1,C]
// result goes back to NCHW for Flatten.
TEST(NhwcLayoutTest, SplitPerChannelConstantsAndGlobalPoolIntoGemm) {
  TestGraph t;
  Value* x = t.input("x", {2, 3, 10, 10});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {8, 3, 3, 3}, 1)}, {ints("pads", {1, 1, 1, 1})});
  Node* split = t.graph.add_node("split", "Split");
  split->inputs = {c1, t.constant("sizes", Tensor::from_vector<int64_t>({3, 5}, {2}))};
  split->outputs = {*t.graph.add_value("s0"), *t.graph.add_value("s1")};
  split->set_attribute("axis", int64_t{1});
  ASSERT_TRUE(t.graph.connect(split).is_ok());
  Value* m = t.node("Mul", {split->outputs[0], t.random_constant("scale", {3, 1, 1}, 5)});
  Value* a = t.node("Add", {t.random_constant("shift", {1, 5, 1, 1}, 6), split->outputs[1]});
  Value* half = t.node("Mul", {a, t.constant("half", Tensor::scalar<float>(0.5f))});
  Value* cat = t.node("Concat", {m, half}, {int1("axis", 1)});
  Value* c2 = t.node("FusedConv", {cat, t.random_constant("w2", {8, 8, 3, 3}, 7), t.random_constant("b2", {8}, 8), c1},
                     {ints("pads", {1, 1, 1, 1}), str("activation", "SiLU")}, "fovea");
  Value* gap = t.node("GlobalAveragePool", {c2});
  Value* flat = t.node("Flatten", {gap});
  Value* y = t.node("Gemm", {flat, t.random_constant("fc", {4, 8}, 9)}, {int1("transB", 1)});
  t.output(y);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 2);
  EXPECT_EQ(rep.transposes, 2);  // the input, and the pooled [N,1,1,C] into Flatten
  EXPECT_EQ(count_ops(t.graph, "GlobalAveragePool"), 0);
  EXPECT_EQ(count_ops(t.graph, "ReduceMean"), 1);
  EXPECT_EQ(*split->attr_int("axis", 0), 3);
  EXPECT_EQ(shape_to_string(*m->producer->inputs[1]->shape), "[1,1,3]");  // [C,1,1] -> [1,1,C]
}

// Slices over channels and over H/W (axes given, and the default axes made explicit).
TEST(NhwcLayoutTest, SliceAxesAreMapped) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 12, 12});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {8, 4, 3, 3}, 1)}, {ints("pads", {1, 1, 1, 1})});
  auto i64 = [&](const std::string& n, std::vector<int64_t> v) {
    const int64_t len = static_cast<int64_t>(v.size());
    return t.constant(n, Tensor::from_vector<int64_t>(v, {len}));
  };
  Value* channels = t.node("Slice", {c1, i64("st0", {2}), i64("en0", {6}), i64("ax0", {-3})});
  Value* window = t.node("Slice", {channels, i64("st1", {0, 0, 1, 2}), i64("en1", {1, 4, 11, 12}), nullptr,
                                   nullptr});
  Value* strided = t.node("Slice", {window, i64("st2", {0, 0}), i64("en2", {10, 10}), i64("ax2", {3, 2}),
                                    i64("sp2", {2, 3})});
  Value* y = t.node("Conv", {strided, t.random_constant("w2", {2, 4, 1, 1}, 2)});
  t.output(y);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 2);
  EXPECT_EQ(rep.transposes, 2);
  EXPECT_EQ(count_ops(t.graph, "Slice"), 3);
}

// Resize by sizes (linear), and a fovea.FusedElementwise with a per-channel constant operand.
TEST(NhwcLayoutTest, ResizeBySizesAndFusedElementwise) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 6, 5});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {4, 3, 1, 1}, 1)});
  Value* empty = t.constant("empty", Tensor::from_vector<float>({}, {0}));
  Value* sizes = t.constant("sizes", Tensor::from_vector<int64_t>({1, 4, 9, 11}, {4}));
  Value* up = t.node("Resize", {c1, empty, empty, sizes}, {str("mode", "linear")});
  Value* fe = t.node("FusedElementwise", {up, t.random_constant("gain", {4, 1, 1}, 2)},
                     {{"ops", std::vector<std::string>{"Mul", "Relu"}}, ints("operands", {0, 1, 2, -1}),
                      {"alphas", std::vector<float>{0, 0}}, {"betas", std::vector<float>{0, 0}}},
                     "fovea");
  t.output(t.node("Conv", {fe, t.random_constant("w2", {2, 4, 3, 3}, 3)}));
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 2);
  EXPECT_EQ(rep.transposes, 2);
  EXPECT_EQ(shape_to_string(*up->shape), "[1,9,11,4]");
}

// A conv output that is a graph output and also read inside the region: the region reads the NHWC
// value, the graph output keeps its name behind a Transpose back to NCHW.
TEST(NhwcLayoutTest, GraphOutputReadInsideRegion) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 8, 8});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {4, 3, 3, 3}, 1)}, {ints("pads", {1, 1, 1, 1})});
  Value* s = t.node("Sigmoid", {c1});
  Value* y = t.node("Conv", {s, t.random_constant("w2", {4, 4, 3, 3}, 2)});
  t.output(c1);
  t.output(y);
  const std::string c1_name = c1->name;
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 2);
  EXPECT_EQ(rep.transposes, 3);
  EXPECT_EQ(t.graph.outputs[0]->name, c1_name);
  EXPECT_EQ(t.graph.outputs[0]->producer->op_type, "Transpose");
  EXPECT_EQ(shape_to_string(*t.graph.outputs[0]->shape), "[1,4,8,8]");
  EXPECT_EQ(t.graph.outputs[0]->dtype, DType::kFloat32);
}

// Ops outside the NHWC set (Softmax over channels) are boundaries: a Transpose back before it
// and to NHWC after it.
TEST(NhwcLayoutTest, UnsupportedOpSplitsTheGraphIntoRegions) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 8, 8});
  Value* c1 = t.node("Conv", {x, t.random_constant("w1", {4, 3, 3, 3}, 1)}, {ints("pads", {1, 1, 1, 1})});
  Value* sm = t.node("Softmax", {c1}, {int1("axis", 1)});
  Value* y = t.node("Conv", {sm, t.random_constant("w2", {4, 4, 1, 1}, 2)});
  t.output(y);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.regions, 2);
  EXPECT_EQ(rep.convs, 2);
  EXPECT_EQ(count_ops(t.graph, "Transpose"), 4);
}

// No conv in the region: nothing changes.
TEST(NhwcLayoutTest, RegionWithoutConvIsLeftAlone) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 8, 8});
  Value* p = t.node("MaxPool", {t.node("Relu", {x})}, {ints("kernel_shape", {2, 2})});
  t.output(p);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 0);
  EXPECT_EQ(rep.regions_skipped, 1);
  EXPECT_EQ(count_ops(t.graph, "Transpose"), 0);
  EXPECT_EQ(count_domain_op(t.graph, "", "MaxPool"), 1);
}

// One conv whose input, residual and output would all need a Transpose (3 > 2 per conv): kept NCHW.
TEST(NhwcLayoutTest, ConvNeedingMoreTransposesThanItSavesStaysNchw) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 8, 8});
  Value* z = t.input("z", {1, 4, 8, 8});
  Value* y = t.node("FusedConv", {x, t.random_constant("w", {4, 4, 3, 3}, 1), nullptr, z},
                    {ints("pads", {1, 1, 1, 1})}, "fovea");
  t.output(y);
  const NhwcReport rep = convert_and_compare(t);
  EXPECT_EQ(rep.convs, 0);
  EXPECT_EQ(count_ops(t.graph, "Transpose"), 0);
  EXPECT_EQ(count_nhwc_convs(t.graph), 0);
}

TEST(NhwcLayoutTest, SecondRunChangesNothing) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 8, 8});
  t.output(t.node("Conv", {x, t.random_constant("w", {4, 3, 3, 3}, 1)}));
  t.prepare();
  auto first = convert_to_nhwc(t.graph);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(*first, 1);
  const size_t nodes = t.graph.nodes().size();
  auto second = convert_to_nhwc(t.graph);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(t.graph.nodes().size(), nodes);
}


// The pass names its Transposes after the value they convert.
bool inserted_by_pass(const Node& n) {
  return n.name.ends_with("_to_nhwc") || n.name.ends_with("_to_nchw");
}

// --- the bundled models -----------------------------------------------------------------------

std::string model_path(const char* name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

Graph load_model(const char* name) {
  auto loaded = load_onnx_model(model_path(name));
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  return loaded.is_ok() ? std::move(loaded).value() : Graph();
}

std::map<std::string, Tensor> model_inputs(const Graph& g) {
  std::map<std::string, Tensor> inputs;
  for (const Value* in : g.inputs) {
    Dims dims;
    for (const Dim& d : *in->shape) dims.push_back(d.is_known() ? d.value : 1);
    inputs[in->name] = testing::random_tensor(dims, 7, 0.0f, 1.0f);
  }
  return inputs;
}

// optimize_graph + convert_to_nhwc in float32: outputs equal the original model's.
NhwcReport convert_model_and_compare(const char* name, Graph& g) {
  g = load_model(name);
  NhwcReport report;
  testing::expect_same_results(g, model_inputs(g), [&](Graph& graph) {
    auto optimized = optimize_graph(graph);
    ASSERT_TRUE(optimized.is_ok()) << optimized.status().to_string();
    auto r = convert_to_nhwc(graph, &report);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  }, 1e-4);
  std::printf("%s: %d convs NHWC in %d regions (%d skipped), %d Transposes inserted\n", name, report.convs,
              report.regions, report.regions_skipped, report.transposes);
  return report;
}

// Every conv runs NHWC; Transposes only at the image input and the three head outputs (boxes and
// classes of each scale go to the Reshape/Concat decoding, which stays NCHW).
TEST(NhwcLayoutModelsTest, YoloV8n) {
  Graph g;
  const NhwcReport rep = convert_model_and_compare("demo/detector.onnx", g);
  EXPECT_EQ(rep.convs, 64);
  EXPECT_EQ(count_nhwc_convs(g), 64);
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_LE(rep.transposes, 8);
}

TEST(NhwcLayoutModelsTest, ResNetSmall) {
  Graph g;
  const NhwcReport rep = convert_model_and_compare("resnet_small.onnx", g);
  EXPECT_EQ(rep.convs, 20);
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_EQ(rep.transposes, 2);  // the input, and the pooled features into Flatten
}

TEST(NhwcLayoutModelsTest, MobileNetV3Small) {
  Graph g;
  const NhwcReport rep = convert_model_and_compare("mobilenetv3_small.onnx", g);
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_GT(rep.convs, 0);
  EXPECT_LE(rep.transposes, 2);  // squeeze-excite blocks stay NHWC end to end
}

// FP16 engines run the pass after assign_precision: shape inference passes on the result, the
// Transposes sit on the float16 side of the boundary Casts, and (ResNet) the CPU results match the
// float16 NCHW graph's.
TEST(NhwcLayoutModelsTest, Fp16AfterAssignPrecision) {
  for (const char* name : {"demo/detector.onnx", "resnet_small.onnx", "mobilenetv3_small.onnx"}) {
    SCOPED_TRACE(name);
    Graph g = load_model(name);
    ASSERT_TRUE(optimize_graph(g).is_ok());
    auto fp16 = assign_precision(g, Precision::kFp16, {});
    ASSERT_TRUE(fp16.is_ok()) << fp16.status().to_string();
    const bool compare = std::string(name) == "resnet_small.onnx";
    const auto inputs = model_inputs(g);
    const std::vector<Tensor> before = compare ? testing::run_graph(g, inputs) : std::vector<Tensor>{};
    NhwcReport rep;
    auto r = convert_to_nhwc(g, &rep);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_GT(*r, 0);
    std::printf("%s fp16: %d convs NHWC, %d Transposes\n", name, rep.convs, rep.transposes);
    for (const auto& node : g.nodes())
      if (node->op_type == "Transpose" && inserted_by_pass(*node))
        EXPECT_EQ(node->outputs[0]->dtype, DType::kFloat16) << node->name;
    if (compare) testing::expect_close(testing::run_graph(g, inputs), before, 1e-2);
  }
}

}  // namespace
}  // namespace fovea
