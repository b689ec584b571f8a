// Test support: run one op through cpu::run_node (shape function + CPU kernel), as the executor
// does, on a graph holding just that node.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "ir/graph.h"

namespace fovea::testing {

// nullptr in `inputs` marks an omitted optional input.
inline Result<std::vector<Tensor>> run_op(const std::string& op, const std::vector<const Tensor*>& inputs,
                                          std::vector<Attribute> attrs = {}, int64_t opset = 17,
                                          size_t num_outputs = 1) {
  Graph graph;
  Node* node = graph.add_node("n", op);
  for (size_t i = 0; i < inputs.size(); ++i)
    node->inputs.push_back(inputs[i] ? *graph.add_value("in" + std::to_string(i)) : nullptr);
  for (size_t i = 0; i < num_outputs; ++i) node->outputs.push_back(*graph.add_value("out" + std::to_string(i)));
  node->attributes = std::move(attrs);
  return cpu::run_node(*node, opset, inputs);
}

// Output 0 of a single-output op, failing the test on error.
inline Tensor run1(const std::string& op, const std::vector<const Tensor*>& inputs, std::vector<Attribute> attrs = {},
                   int64_t opset = 17) {
  auto r = run_op(op, inputs, std::move(attrs), opset);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? (*r)[0] : Tensor();
}

// Expects a clean error (not ok, no crash) whose message mentions `text`.
inline void expect_error(const std::string& op, const std::vector<const Tensor*>& inputs, std::vector<Attribute> attrs,
                         int64_t opset, const std::string& text, size_t num_outputs = 1) {
  auto r = run_op(op, inputs, std::move(attrs), opset, num_outputs);
  ASSERT_FALSE(r.is_ok()) << op << " should fail";
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().to_string();
}

// A tensor's elements as a vector, for EXPECT_EQ against expected values.
template <typename T>
std::vector<T> values_of(const Tensor& t) {
  auto v = t.values<T>();
  return {v.begin(), v.end()};
}

}  // namespace fovea::testing
