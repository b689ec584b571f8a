// The engine cache, with a fake build step that writes a real plan of a small model (CPU only).
#include <gtest/gtest.h>

#include <regex>

#include "engine/engine_cache.h"
#include "engine/model_import.h"
#include "ir/onnx/onnx_exporter.h"
#include "plan_test_graphs.h"

namespace fovea {
namespace {

using testing::as_byte_span;

const std::string kOptions = R"({"precision":"fp32"})";

class EngineCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    onnx_path_ = dir_.file("small.onnx");
    cache_dir_ = dir_.file("cache");
    testing::write_bytes(onnx_path_, *export_onnx_model(testing::make_small_graph()));
  }

  // The fake `fovea build`: imports the model and writes a plan for `env` with these options.
  std::function<Status(const std::string&)> builder(const PlanEnvironment& env, const std::string& options) {
    return [this, env, options](const std::string& plan_path) -> Status {
      ++builds_;
      FOVEA_ASSIGN_OR_RETURN(Graph graph, load_onnx_model(onnx_path_));
      Plan plan;
      plan.header.environment = env;
      plan.header.build_options_json = options;
      const std::string bytes = testing::read_bytes(onnx_path_);
      plan.header.onnx_hash = hash_model_bytes(as_byte_span(bytes));
      plan.header.source_model = onnx_path_;
      plan.graph = std::move(graph);
      return write_plan_file(plan_path, plan);
    };
  }

  Result<EngineCacheResult> resolve(const PlanEnvironment& env, bool force = false, const std::string& options = kOptions) {
    return resolve_cached_plan(onnx_path_, cache_dir_, options, env, force, builder(env, options));
  }

  testing::TempDir dir_;
  std::string onnx_path_, cache_dir_;
  int builds_ = 0;
};

TEST_F(EngineCacheTest, BuildsOnceThenReuses) {
  const PlanEnvironment env = testing::h100_environment();
  auto first = resolve(env);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_TRUE(first->rebuilt);
  EXPECT_EQ(first->reason, "no cached plan");
  EXPECT_EQ(builds_, 1);
  EXPECT_TRUE(std::regex_match(first->plan_path, std::regex(".*/cache/small-[0-9a-f]{16}-[0-9a-f]{8}\\.plan")))
      << first->plan_path;
  EXPECT_TRUE(read_plan_file(first->plan_path).is_ok());

  auto second = resolve(env);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_FALSE(second->rebuilt);
  EXPECT_EQ(second->plan_path, first->plan_path);
  EXPECT_EQ(builds_, 1);
}

TEST_F(EngineCacheTest, ForceRebuilds) {
  const PlanEnvironment env = testing::h100_environment();
  ASSERT_TRUE(resolve(env).is_ok());
  auto forced = resolve(env, /*force=*/true);
  ASSERT_TRUE(forced.is_ok()) << forced.status().to_string();
  EXPECT_TRUE(forced->rebuilt);
  EXPECT_EQ(forced->reason, "forced");
  EXPECT_EQ(builds_, 2);
}

TEST_F(EngineCacheTest, OtherGpuRebuildsWithTheReason) {
  ASSERT_TRUE(resolve(testing::h100_environment()).is_ok());
  PlanEnvironment h200 = testing::h100_environment();
  h200.gpu_name = "NVIDIA H200";
  auto r = resolve(h200);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_NE(r->reason.find("built for another GPU"), std::string::npos) << r->reason;
  EXPECT_NE(r->reason.find("'NVIDIA H200'"), std::string::npos) << r->reason;
  EXPECT_EQ(builds_, 2);
  auto again = resolve(h200);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->rebuilt);
}

TEST_F(EngineCacheTest, OtherOptionsOrChangedModelGetTheirOwnPlan) {
  const PlanEnvironment env = testing::h100_environment();
  auto fp32 = resolve(env);
  ASSERT_TRUE(fp32.is_ok());
  auto fp16 = resolve(env, false, R"({"precision":"fp16"})");
  ASSERT_TRUE(fp16.is_ok()) << fp16.status().to_string();
  EXPECT_TRUE(fp16->rebuilt);
  EXPECT_NE(fp16->plan_path, fp32->plan_path);

  Graph changed = testing::make_small_graph();
  changed.name = "changed";
  testing::write_bytes(onnx_path_, *export_onnx_model(changed));
  auto r = resolve(env);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_NE(r->plan_path, fp32->plan_path);
  EXPECT_EQ(builds_, 3);
}

TEST_F(EngineCacheTest, CorruptCachedPlanIsRebuilt) {
  const PlanEnvironment env = testing::h100_environment();
  auto first = resolve(env);
  ASSERT_TRUE(first.is_ok());
  testing::write_bytes(first->plan_path, "FOVEAPLN garbage");
  auto r = resolve(env);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_NE(r->reason.find("unreadable"), std::string::npos) << r->reason;
  EXPECT_TRUE(read_plan_file(r->plan_path).is_ok());
}

TEST_F(EngineCacheTest, CachedPlanWithOtherOptionsInsideIsRebuilt) {
  // Same file name, but the header says otherwise (e.g. written by hand): the header decides.
  const PlanEnvironment env = testing::h100_environment();
  auto first = resolve(env);
  ASSERT_TRUE(first.is_ok());
  ASSERT_TRUE(builder(env, R"({"precision":"other"})")(first->plan_path).is_ok());
  auto r = resolve(env);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->rebuilt);
  EXPECT_NE(r->reason.find("other build options"), std::string::npos) << r->reason;
}

TEST_F(EngineCacheTest, BuildFailuresAreErrors) {
  const PlanEnvironment env = testing::h100_environment();
  auto failing = resolve_cached_plan(onnx_path_, cache_dir_, kOptions, env, false,
                                     [](const std::string&) { return unsupported("node 'x' (Foo) has no GPU kernel"); });
  ASSERT_FALSE(failing.is_ok());
  EXPECT_NE(failing.status().message().find("node 'x' (Foo)"), std::string::npos) << failing.status().message();

  auto writes_nothing = resolve_cached_plan(onnx_path_, cache_dir_, kOptions, env, false, [](const std::string&) { return Status::ok(); });
  ASSERT_FALSE(writes_nothing.is_ok());
  EXPECT_NE(writes_nothing.status().message().find("did not write a matching plan"), std::string::npos)
      << writes_nothing.status().message();

  auto wrong_env = resolve_cached_plan(onnx_path_, cache_dir_, kOptions, env, false, builder(PlanEnvironment{}, kOptions));
  ASSERT_FALSE(wrong_env.is_ok());
}

TEST_F(EngineCacheTest, MissingModelIsAnError) {
  auto r = resolve_cached_plan(dir_.file("missing.onnx"), cache_dir_, kOptions, testing::h100_environment(), false,
                               builder(testing::h100_environment(), kOptions));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("missing.onnx"), std::string::npos) << r.status().message();
  EXPECT_EQ(builds_, 0);
}

}  // namespace
}  // namespace fovea
