// Test support for the plan file, ONNX exporter and engine cache tests: a small valid graph and
// plan built in code, and CPU runs to compare graphs numerically.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "engine/build_config.h"
#include "engine/plan_file.h"
#include "ir/graph.h"

namespace fovea::testing {

// y = Relu(x + Cast<float>(w16)) * scale, x: float32 [batch,4], w16: float16 [4] (a weight in
// an fp16 plan's dtype), scale: float32 scalar. Node names: "cast", "add", "relu", "mul".
inline Graph make_small_graph() {
  Graph g;
  g.name = "small";
  g.opset = 13;
  g.model_opset = 13;
  g.ir_version = 8;
  Value* x = *g.add_value("x");
  x->dtype = DType::kFloat32;
  x->shape = Shape{Dim::symbolic("batch"), Dim::known(4)};
  g.inputs.push_back(x);
  std::vector<Half> w;
  for (float f : {0.5f, -1.0f, 2.0f, -0.25f}) w.push_back(float_to_half(f));
  Value* w16 = *g.add_constant("w16", Tensor::from_vector<Half>(w, {4}));
  Value* scale = *g.add_constant("scale", Tensor::scalar<float>(3.0f));
  auto add_node = [&](const std::string& name, const std::string& op, std::vector<Value*> ins, const std::string& out) {
    Node* n = g.add_node(name, op);
    n->inputs = std::move(ins);
    Value* v = *g.add_value(out);
    n->outputs = {v};
    EXPECT_TRUE(g.connect(n).is_ok());
    return v;
  };
  Value* w32 = add_node("cast", "Cast", {w16}, "w32");
  g.nodes().back()->set_attribute("to", int64_t{1});
  Value* sum = add_node("add", "Add", {x, w32}, "sum");
  Value* relu = add_node("relu", "Relu", {sum}, "relu_out");
  Value* y = add_node("mul", "Mul", {relu, scale}, "y");
  g.outputs.push_back(y);
  return g;
}

inline PlanEnvironment h100_environment() {
  PlanEnvironment e;
  e.gpu_name = "NVIDIA H100 80GB HBM3";
  e.compute_major = 9;
  e.compute_minor = 0;
  e.cuda_runtime_version = 13000;
  e.cudnn_version = 91300;
  e.cublas_version = 130100;
  return e;
}

inline Plan make_small_plan() {
  Plan plan;
  plan.header.environment = h100_environment();
  BuildConfig fp16;
  fp16.precision = Precision::kFp16;
  plan.header.build_options_json = fp16.to_json();
  plan.header.onnx_hash = "xxh3-128:0123456789abcdef0123456789abcdef";
  plan.header.source_model = "small.onnx";
  plan.graph = make_small_graph();
  plan.tactics["add"] = Tactic{"fovea:elementwise", 2, 0};
  plan.tactics["relu"] = Tactic{"fovea:elementwise", -7, 4096};
  plan.memory_report = "activations: 64 bytes\nweights: 12 bytes\n";
  return plan;
}

// Runs `graph` on the CPU with inputs filled by a fixed pattern (symbolic dims become `batch`).
inline std::vector<Tensor> run_on_cpu(const Graph& graph, int64_t batch = 2) {
  std::map<std::string, Tensor> inputs;
  for (const Value* in : graph.inputs) {
    Dims dims;
    for (const Dim& d : *in->shape) dims.push_back(d.is_known() ? d.value : batch);
    Tensor t = *Tensor::allocate(in->dtype, dims);
    if (in->dtype == DType::kFloat32) {
      float* p = t.data<float>();
      for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
    }
    inputs[in->name] = t;
  }
  auto executor = cpu::CpuExecutor::create(graph);
  EXPECT_TRUE(executor.is_ok()) << executor.status().to_string();
  if (!executor.is_ok()) return {};
  auto outputs = (*executor)->run(inputs);
  EXPECT_TRUE(outputs.is_ok()) << outputs.status().to_string();
  return outputs.is_ok() ? *outputs : std::vector<Tensor>{};
}

// Same dtype, dims and bytes.
inline void expect_same_tensors(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].dtype(), b[i].dtype()) << "output " << i;
    EXPECT_EQ(a[i].dims(), b[i].dims()) << "output " << i;
    ASSERT_EQ(a[i].nbytes(), b[i].nbytes()) << "output " << i;
    EXPECT_EQ(std::memcmp(a[i].raw_data(), b[i].raw_data(), a[i].nbytes()), 0) << "output " << i;
  }
}

inline std::span<const std::byte> as_byte_span(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// A fresh folder, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("fovea_") + info->test_suite_name() + "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace fovea::testing
