#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "engine/timing_cache.h"

namespace fovea {
namespace {

const char* kEnv = "NVIDIA H100 sm_90 cuda 13000 cudnn 91000 cublas 130000 fovea 0.1.0";

class TimingCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("fovea_timing_cache_{}_{}", static_cast<long>(::getpid()),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }

  std::filesystem::path dir_;
};

TEST_F(TimingCacheTest, MissingFileGivesAnEmptyCache) {
  auto cache = TimingCache::load(path("none.json"), kEnv);
  ASSERT_TRUE(cache.is_ok()) << cache.status().to_string();
  EXPECT_EQ(cache->size(), 0u);
  EXPECT_FALSE(cache->loaded_from_file_matched());
  EXPECT_EQ(cache->find("anything"), nullptr);
  EXPECT_EQ(cache->misses(), 1u);
}

TEST_F(TimingCacheTest, SaveAndLoadRoundTripAtomically) {
  TimingCache cache(kEnv);
  cache.insert("ai.onnx::Conv fp16 in(...)", {Tactic{"cudnn:IMPLICIT_PRECOMP_GEMM", 7, 1 << 20}, 0.125});
  cache.insert("ai.onnx::MatMul fp32 in(...)", {Tactic{"cublaslt:algo3", 3, 0}, 1.5});
  cache.insert("ai.onnx::MatMul fp32 in(...)", {Tactic{"cublaslt:algo4", 4, 64}, 1.25});  // replaces
  ASSERT_TRUE(cache.save(path("tc.json")).is_ok());
  // Only the final file remains: the temporary was renamed over it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);

  auto loaded = TimingCache::load(path("tc.json"), kEnv);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_TRUE(loaded->loaded_from_file_matched());
  EXPECT_EQ(loaded->size(), 2u);
  const TimingCacheEntry* conv = loaded->find("ai.onnx::Conv fp16 in(...)");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->tactic, (Tactic{"cudnn:IMPLICIT_PRECOMP_GEMM", 7, 1 << 20}));
  EXPECT_DOUBLE_EQ(conv->milliseconds, 0.125);
  const TimingCacheEntry* mm = loaded->find("ai.onnx::MatMul fp32 in(...)");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->tactic.name, "cublaslt:algo4");
  EXPECT_EQ(loaded->hits(), 2u);

  // Saving again over an existing file replaces it.
  loaded->insert("x", {Tactic{"fovea:direct", 0, 0}, 2.0});
  ASSERT_TRUE(loaded->save(path("tc.json")).is_ok());
  auto again = TimingCache::load(path("tc.json"), kEnv);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->size(), 3u);
}

TEST_F(TimingCacheTest, AnotherEnvironmentIsIgnoredNotAnError) {
  TimingCache cache("NVIDIA A100 sm_80 cuda 12000 cudnn 90000 cublas 120000 fovea 0.1.0");
  cache.insert("k", {Tactic{"t", 1, 0}, 1.0});
  ASSERT_TRUE(cache.save(path("tc.json")).is_ok());
  auto loaded = TimingCache::load(path("tc.json"), kEnv);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->size(), 0u);
  EXPECT_FALSE(loaded->loaded_from_file_matched());
  EXPECT_EQ(loaded->environment_key(), kEnv);  // saving it writes this environment's header

  write("v2.json", R"({"format": "fovea timing cache", "format_version": 2, "environment": "x", "entries": {}})");
  auto newer = TimingCache::load(path("v2.json"), kEnv);
  ASSERT_TRUE(newer.is_ok());
  EXPECT_EQ(newer->size(), 0u);
}

TEST_F(TimingCacheTest, CorruptFilesAreErrorsNamingTheFile) {
  const std::string good_head = std::string(R"({"format": "fovea timing cache", "format_version": 1, "environment": ")") +
                                kEnv + "\", ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.json", good_head + R"("entries": {"k": {"tactic": "t")"},
      {"notjson.json", "\x01\x02garbage"},
      {"array.json", "[1, 2, 3]"},
      {"other.json", R"({"format": "something else"})"},
      {"noversion.json", R"({"format": "fovea timing cache"})"},
      {"noentries.json", good_head + R"("entries": 5})"},
      {"badentry.json", good_head + R"("entries": {"k": {"tactic": 3, "tactic_id": 1, "workspace_bytes": 0, "milliseconds": 1}}})"},
      {"negative.json", good_head + R"("entries": {"k": {"tactic": "t", "tactic_id": 1, "workspace_bytes": 0, "milliseconds": -1}}})"},
      {"badws.json", good_head + R"("entries": {"k": {"tactic": "t", "tactic_id": 1, "workspace_bytes": -5, "milliseconds": 1}}})"},
  };
  for (const auto& [name, text] : cases) {
    write(name, text);
    auto r = TimingCache::load(path(name), kEnv);
    ASSERT_FALSE(r.is_ok()) << name;
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().to_string();
  }
  auto dir = TimingCache::load(dir_.string(), kEnv);
  EXPECT_FALSE(dir.is_ok());
}

TEST_F(TimingCacheTest, SaveIntoAMissingFolderIsAnError) {
  TimingCache cache(kEnv);
  auto s = cache.save(path("no/such/folder/tc.json"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("tc.json"), std::string::npos);
}

// ---- layer_signature ------------------------------------------------------------------------

struct ConvLayer {
  Graph g;
  Node* node = nullptr;
  ConvLayer(const std::string& node_name, bool with_bias) {
    node = g.add_node(node_name, "Conv");
    node->inputs = {*g.add_value("x"), *g.add_value("w"), with_bias ? *g.add_value("b") : nullptr};
    node->outputs = {*g.add_value("y")};
    node->set_attribute("strides", std::vector<int64_t>{2, 2});
    node->set_attribute("pads", std::vector<int64_t>{1, 1, 1, 1});
    node->set_attribute("group", int64_t{1});
  }
};

TEST(LayerSignatureTest, SameLayerInAnotherModelHasTheSameKey) {
  ConvLayer a("model_a/conv1", true), b("backbone.0.conv", true);
  b.node->attributes.clear();  // same attributes, other order
  b.node->set_attribute("group", int64_t{1});
  b.node->set_attribute("pads", std::vector<int64_t>{1, 1, 1, 1});
  b.node->set_attribute("strides", std::vector<int64_t>{2, 2});
  const std::vector<std::pair<DType, Dims>> in = {
      {DType::kFloat16, {1, 3, 640, 640}}, {DType::kFloat16, {16, 3, 3, 3}}, {DType::kFloat16, {16}}};
  const std::vector<std::pair<DType, Dims>> out = {{DType::kFloat16, {1, 16, 320, 320}}};
  const std::string key = layer_signature(*a.node, in, out);
  EXPECT_EQ(key, layer_signature(*b.node, in, out));
  EXPECT_NE(key.find("ai.onnx::Conv"), std::string::npos) << key;
  EXPECT_NE(key.find("fp16"), std::string::npos) << key;
  EXPECT_NE(key.find("float16[1,3,640,640]"), std::string::npos) << key;
  EXPECT_NE(key.find("strides=[2,2]"), std::string::npos) << key;
  EXPECT_EQ(key.find("conv1"), std::string::npos) << "the node name must not be part of the key";
}

TEST(LayerSignatureTest, EverythingThatChangesTheKernelChangesTheKey) {
  ConvLayer base("c", true);
  const std::vector<std::pair<DType, Dims>> in = {
      {DType::kFloat32, {1, 8, 32, 32}}, {DType::kFloat32, {8, 8, 3, 3}}, {DType::kFloat32, {8}}};
  const std::vector<std::pair<DType, Dims>> out = {{DType::kFloat32, {1, 8, 16, 16}}};
  const std::string key = layer_signature(*base.node, in, out);
  EXPECT_NE(key.find("fp32"), std::string::npos);

  auto half = in;
  for (auto& [t, d] : half) t = DType::kFloat16;
  auto half_out = out;
  half_out[0].first = DType::kFloat16;
  EXPECT_NE(layer_signature(*base.node, half, half_out), key);  // precision

  auto bigger = in;
  bigger[0].second = {2, 8, 32, 32};
  EXPECT_NE(layer_signature(*base.node, bigger, {{DType::kFloat32, {2, 8, 16, 16}}}), key);  // dims

  ConvLayer no_bias("c", false);
  EXPECT_NE(layer_signature(*no_bias.node, in, out), key);  // optional input present or not

  ConvLayer other_attr("c", true);
  other_attr.node->set_attribute("dilations", std::vector<int64_t>{2, 2});
  EXPECT_NE(layer_signature(*other_attr.node, in, out), key);

  ConvLayer fused("c", true);
  fused.node->domain = "fovea";
  fused.node->op_type = "FusedConv";
  fused.node->set_attribute("activation", std::string("SiLU"));
  fused.node->set_attribute("activation_alpha", 0.1f);
  const std::string fk = layer_signature(*fused.node, in, out);
  EXPECT_NE(fk.find("fovea::FusedConv"), std::string::npos) << fk;
  EXPECT_NE(fk.find("activation=\"SiLU\""), std::string::npos) << fk;
  EXPECT_NE(fk.find("activation_alpha=0.1"), std::string::npos) << fk;

  // Tensor attributes are summarized by dtype, dims and a digest of their bytes.
  ConvLayer t1("c", true), t2("c", true);
  t1.node->set_attribute("value", Tensor::from_vector<float>({1.f, 2.f}, {2}));
  t2.node->set_attribute("value", Tensor::from_vector<float>({1.f, 3.f}, {2}));
  EXPECT_NE(layer_signature(*t1.node, in, out), layer_signature(*t2.node, in, out));
}

}  // namespace
}  // namespace fovea
