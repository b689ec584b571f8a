// Host-side checks of the elementwise GPU kernels that need no GPU: bad nodes give a Status
// naming the fault before anything is launched, and empty outputs succeed without a launch.
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {
namespace {

DeviceTensor fake(DType dtype, Dims dims) { return DeviceTensor{nullptr, dtype, std::move(dims)}; }

struct NodeRunner {
  Node node;
  std::unique_ptr<GpuNodeState> state;

  Status operator()(std::string domain, std::string op, std::vector<DeviceTensor> inputs, DeviceTensor output,
                    std::vector<Attribute> attrs = {}, int64_t opset = 17,
                    std::vector<const Tensor*> host_inputs = {}) {
    node.name = "n";
    node.op_type = op;
    node.domain = domain;
    node.attributes = std::move(attrs);
    const GpuKernelEntry* entry = find_gpu_kernel(domain, op);
    if (!entry) return not_found("no kernel for {}", op);
    GpuKernelContext::Args args;
    args.node = &node;
    args.opset = opset;
    host_inputs.resize(inputs.size(), nullptr);
    args.inputs = std::move(inputs);
    args.host_inputs = std::move(host_inputs);
    args.outputs = {std::move(output)};
    args.state = &state;
    GpuKernelContext ctx(std::move(args));
    return entry->run(ctx);
  }
};

void expect_error(const Status& s, StatusCode code, const std::string& text) {
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), code) << s.to_string();
  EXPECT_NE(s.message().find(text), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("node 'n'"), std::string::npos) << s.to_string();
}

TEST(GpuElementwiseAdapter, InputsThatDoNotBroadcastAreRejected) {
  NodeRunner run;
  expect_error(run("", "Add", {fake(DType::kFloat32, {2, 3}), fake(DType::kFloat32, {4})}, fake(DType::kFloat32, {2, 3})),
               StatusCode::kInvalidArgument, "does not broadcast");
}

TEST(GpuElementwiseAdapter, UnsupportedDtypesNameTheInput) {
  NodeRunner run;
  expect_error(run("", "Add", {fake(DType::kBFloat16, {2}), fake(DType::kBFloat16, {2})}, fake(DType::kBFloat16, {2})),
               StatusCode::kUnsupported, "input 0");
  expect_error(run("", "Relu", {fake(DType::kBFloat16, {2})}, fake(DType::kBFloat16, {2})), StatusCode::kUnsupported,
               "bfloat16");
  expect_error(run("", "Cast", {fake(DType::kFloat32, {2})}, fake(DType::kBFloat16, {2}), {{"to", int64_t{16}}}),
               StatusCode::kUnsupported, "cannot cast");
}

TEST(GpuElementwiseAdapter, WrongOutputIsAnError) {
  NodeRunner run;
  expect_error(run("", "Less", {fake(DType::kFloat32, {2}), fake(DType::kFloat32, {2})}, fake(DType::kFloat32, {2})),
               StatusCode::kInvalidArgument, "expected bool");
}

TEST(GpuElementwiseAdapter, ClipBoundsMustBeScalars) {
  NodeRunner run;
  expect_error(run("", "Clip", {fake(DType::kFloat32, {4}), fake(DType::kFloat32, {2})}, fake(DType::kFloat32, {4}), {},
                   13),
               StatusCode::kInvalidArgument, "min");
  expect_error(run("", "Clip", {fake(DType::kFloat32, {4}), DeviceTensor{}, fake(DType::kInt32, {})},
                   fake(DType::kFloat32, {4}), {}, 13),
               StatusCode::kInvalidArgument, "max");
}

TEST(GpuElementwiseAdapter, FusedProgramsAreValidated) {
  const std::vector<DeviceTensor> two = {fake(DType::kFloat16, {1, 4, 2, 2}), fake(DType::kFloat16, {1, 4, 1, 1})};
  const DeviceTensor out = fake(DType::kFloat16, {1, 4, 2, 2});
  {
    NodeRunner run;  // op 1 reads register 3, which op 1 itself writes
    expect_error(run("fovea", "FusedElementwise", two, out,
                     {{"ops", std::vector<std::string>{"Add", "Mul"}}, {"operands", std::vector<int64_t>{0, 1, 2, 3}}}),
                 StatusCode::kInvalidArgument, "register");
  }
  {
    NodeRunner run;
    expect_error(run("fovea", "FusedElementwise", two, out,
                     {{"ops", std::vector<std::string>{"Softmax"}}, {"operands", std::vector<int64_t>{0, -1}}}),
                 StatusCode::kInvalidArgument, "Softmax");
  }
  {
    NodeRunner run;
    expect_error(run("fovea", "FusedElementwise", two, out,
                     {{"ops", std::vector<std::string>{"Relu"}}, {"operands", std::vector<int64_t>{0}}}),
                 StatusCode::kInvalidArgument, "operands");
  }
  {
    NodeRunner run;
    expect_error(run("fovea", "FusedElementwise", two, out, {{"operands", std::vector<int64_t>{}}}),
                 StatusCode::kInvalidArgument, "ops");
  }
  {
    NodeRunner run;
    const std::vector<DeviceTensor> ints = {fake(DType::kInt32, {2}), fake(DType::kInt32, {2})};
    expect_error(run("fovea", "FusedElementwise", ints, fake(DType::kInt32, {2}),
                     {{"ops", std::vector<std::string>{"Add", "Relu"}}, {"operands", std::vector<int64_t>{0, 1, 2, -1}}}),
                 StatusCode::kUnsupported, "int32");
  }
}

// Nothing is launched for empty outputs, so these succeed without a GPU.
TEST(GpuElementwiseAdapter, EmptyTensorsLaunchNothing) {
  const DeviceTensor empty = fake(DType::kFloat32, {0, 3});
  NodeRunner run;
  EXPECT_TRUE(run("", "Add", {empty, fake(DType::kFloat32, {3})}, empty).is_ok());
  EXPECT_TRUE(run("", "Sigmoid", {empty}, empty).is_ok());
  EXPECT_TRUE(run("", "Cast", {empty}, fake(DType::kFloat16, {0, 3}), {{"to", int64_t{10}}}).is_ok());
  EXPECT_TRUE(run("", "Sum", {empty, empty, empty}, empty).is_ok());
  EXPECT_TRUE(run("", "Where", {fake(DType::kBool, {0, 3}), empty, empty}, empty).is_ok());
  EXPECT_TRUE(run("", "Clip", {empty}, empty, {}, 13).is_ok());
  NodeRunner fused;
  EXPECT_TRUE(fused("fovea", "FusedElementwise", {empty, empty}, empty,
                    {{"ops", std::vector<std::string>{"Add", "Sigmoid"}}, {"operands", std::vector<int64_t>{0, 1, 2, -1}}})
                  .is_ok());
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
