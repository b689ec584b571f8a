// Test support for the pass tests: building small graphs node by node, running them on the CPU
// executor, and comparing a graph's outputs before and after a pass.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "backends/cpu/cpu_kernel.h"
#include "ir/graph.h"
#include "ops/graph_checks.h"

namespace fovea::testing {

inline Tensor random_tensor(const Dims& dims, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(element_count(dims)));
  for (float& x : v) x = dist(gen);
  return Tensor::from_vector<float>(v, dims);
}

class TestGraph {
 public:
  explicit TestGraph(int64_t opset = 17) { graph.opset = graph.model_opset = opset; }

  Value* input(const std::string& name, const Dims& dims) {
    Value* v = *graph.add_value(name);
    v->dtype = DType::kFloat32;
    v->shape = shape_from_dims(dims);
    graph.inputs.push_back(v);
    return v;
  }
  Value* constant(const std::string& name, Tensor t) { return *graph.add_constant(name, std::move(t)); }
  Value* random_constant(const std::string& name, const Dims& dims, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
    return constant(name, random_tensor(dims, seed, lo, hi));
  }
  // Adds a node with one output (named after the node) and returns that output.
  Value* node(const std::string& op, std::vector<Value*> inputs, std::vector<Attribute> attrs = {},
              const std::string& domain = "") {
    const std::string name = op + "_" + std::to_string(counter_++);
    Node* n = graph.add_node(name, op);
    n->domain = domain;
    n->inputs = std::move(inputs);
    n->attributes = std::move(attrs);
    n->outputs = {*graph.add_value(name + "_out")};
    EXPECT_TRUE(graph.connect(n).is_ok());
    return n->outputs[0];
  }
  void output(Value* v) { graph.outputs.push_back(v); }

  // Op checks and shape inference, as model import does.
  void prepare() {
    ASSERT_TRUE(check_supported_ops(graph).is_ok()) << check_supported_ops(graph).to_string();
    ShapeInferenceOptions options;
    options.evaluate = cpu::run_node;
    Status s = infer_shapes(graph, options);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }

  // Random inputs for every graph input (seeded by position).
  std::map<std::string, Tensor> random_inputs() const {
    std::map<std::string, Tensor> m;
    uint32_t seed = 1000;
    for (const Value* in : graph.inputs) {
      Dims dims;
      for (const Dim& d : *in->shape) dims.push_back(d.is_known() ? d.value : 1);
      m[in->name] = random_tensor(dims, seed++);
    }
    return m;
  }

  Graph graph;

 private:
  int counter_ = 0;
};

inline std::vector<Tensor> run_graph(const Graph& g, const std::map<std::string, Tensor>& inputs) {
  auto ex = cpu::CpuExecutor::create(g);
  EXPECT_TRUE(ex.is_ok()) << ex.status().to_string();
  if (!ex.is_ok()) return {};
  auto r = (*ex)->run(inputs);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r).value() : std::vector<Tensor>();
}

// |a - b| <= rtol * (|b| + max|b|), element-wise, float32 outputs only.
inline void expect_close(const std::vector<Tensor>& actual, const std::vector<Tensor>& expected, double rtol) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t k = 0; k < actual.size(); ++k) {
    ASSERT_EQ(actual[k].dims(), expected[k].dims()) << "output " << k;
    ASSERT_EQ(actual[k].dtype(), DType::kFloat32);
    auto a = actual[k].values<float>();
    auto b = expected[k].values<float>();
    double scale = 0;
    for (float v : b) scale = std::max(scale, std::fabs(static_cast<double>(v)));
    int bad = 0;
    for (size_t i = 0; i < a.size() && bad < 5; ++i) {
      const double tol = rtol * (std::fabs(static_cast<double>(b[i])) + scale) + 1e-12;
      if (!(std::fabs(static_cast<double>(a[i]) - b[i]) <= tol)) {
        ADD_FAILURE() << "output " << k << " element " << i << ": " << a[i] << " vs " << b[i];
        ++bad;
      }
    }
  }
}

// Runs `g` before and after `transform` on the same random inputs and compares the outputs.
inline void expect_same_results(Graph& g, const std::map<std::string, Tensor>& inputs,
                                 const std::function<void(Graph&)>& transform, double rtol = 1e-5) {
  const std::vector<Tensor> before = run_graph(g, inputs);
  transform(g);
  const std::vector<Tensor> after = run_graph(g, inputs);
  expect_close(after, before, rtol);
}

inline int count_ops(const Graph& g, const std::string& op_type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op_type == op_type ? 1 : 0;
  return n;
}

inline const Node* first_op(const Graph& g, const std::string& op_type) {
  for (const auto& node : g.nodes())
    if (node->op_type == op_type) return node.get();
  return nullptr;
}

}  // namespace fovea::testing
