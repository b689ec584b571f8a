// The plan file: round trips (graph, CPU outputs, tactics, header), every truncation and every
// flipped byte gives an error and never a crash, and mismatched headers say how to rebuild.
#include <gtest/gtest.h>

#include "engine/build_config.h"
#include "engine/model_import.h"
#include "engine/plan_container.h"
#include "engine/plan_file.h"
#include "engine/plan_sections.h"
#include "ir/onnx/onnx_exporter.h"
#include "plan_test_graphs.h"

namespace fovea {
namespace {

using testing::as_byte_span;

Plan prepared_small_plan() {
  Plan plan = testing::make_small_plan();
  EXPECT_TRUE(prepare_graph(plan.graph).is_ok());
  return plan;
}

std::string serialized_small_plan() {
  auto bytes = serialize_plan(prepared_small_plan());
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  return bytes.is_ok() ? *bytes : std::string();
}

std::string export_onnx_model_for_test(const Graph& g) {
  auto bytes = export_onnx_model(g);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  return bytes.is_ok() ? *bytes : std::string();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlanFileTest, SmallPlanRoundTrips) {
  Plan plan = prepared_small_plan();
  auto bytes = serialize_plan(plan);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_EQ(bytes->substr(0, 8), "FOVEAPLN");
  auto back = parse_plan(as_byte_span(*bytes), "small.plan");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->header, plan.header);
  EXPECT_EQ(back->tactics, plan.tactics);
  EXPECT_EQ(back->memory_report, plan.memory_report);
  EXPECT_EQ(back->graph.dump(true), plan.graph.dump(true));
  EXPECT_EQ(back->graph.find_value("w16")->dtype, DType::kFloat16);
  testing::expect_same_tensors(testing::run_on_cpu(back->graph), testing::run_on_cpu(plan.graph));
  // Serialization is deterministic.
  EXPECT_EQ(*serialize_plan(*back), *bytes);
}

TEST(PlanFileTest, BundledModelRoundTripsThroughAFile) {
  testing::TempDir dir;
  const std::string onnx = std::string(FOVEA_SOURCE_DIR) + "/models/resnet_small.onnx";
  auto graph = load_onnx_model(onnx);
  ASSERT_TRUE(graph.is_ok()) << graph.status().to_string();
  Plan plan;
  plan.header.environment = testing::h100_environment();
  plan.header.source_model = "resnet_small.onnx";
  const std::string onnx_bytes = testing::read_bytes(onnx);
  plan.header.onnx_hash = hash_model_bytes(as_byte_span(onnx_bytes));
  plan.graph = std::move(graph).value();
  plan.tactics[plan.graph.nodes().front()->name] = Tactic{"cudnn:IMPLICIT_PRECOMP_GEMM", 1, 1 << 20};
  const std::string path = dir.file("resnet_small.plan");
  ASSERT_TRUE(write_plan_file(path, plan).is_ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "a temporary file was left behind";

  auto header = read_plan_header(path);
  ASSERT_TRUE(header.is_ok()) << header.status().to_string();
  EXPECT_EQ(*header, plan.header);
  auto back = read_plan_file(path);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->graph.dump(true), plan.graph.dump(true));
  EXPECT_EQ(back->tactics, plan.tactics);
  testing::expect_same_tensors(testing::run_on_cpu(back->graph, 1), testing::run_on_cpu(plan.graph, 1));
}

TEST(PlanFileTest, EveryTruncationIsAnError) {
  const std::string bytes = serialized_small_plan();
  ASSERT_FALSE(bytes.empty());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = parse_plan(as_byte_span(bytes.substr(0, n)), "cut.plan");
    ASSERT_FALSE(r.is_ok()) << "a plan cut to " << n << " of " << bytes.size() << " bytes parsed";
    EXPECT_TRUE(contains(r.status().message(), "cut.plan")) << r.status().message();
  }
}

TEST(PlanFileTest, TruncatedFileHeaderIsAnError) {
  testing::TempDir dir;
  const std::string bytes = serialized_small_plan();
  for (size_t n : {size_t{0}, size_t{7}, size_t{16}, size_t{30}, size_t{40}}) {
    testing::write_bytes(dir.file("cut.plan"), bytes.substr(0, n));
    EXPECT_FALSE(read_plan_header(dir.file("cut.plan")).is_ok()) << n;
    EXPECT_FALSE(read_plan_file(dir.file("cut.plan")).is_ok()) << n;
  }
}

// Flips one byte at every offset: the magic, version, count, section framing and every payload.
TEST(PlanFileTest, EveryFlippedByteIsAnError) {
  const std::string bytes = serialized_small_plan();
  auto container = plan_container::parse(as_byte_span(bytes), true);
  ASSERT_TRUE(container.is_ok());
  ASSERT_EQ(container->sections.size(), 4u);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    auto r = parse_plan(as_byte_span(bad), "flipped.plan");
    ASSERT_FALSE(r.is_ok()) << "flipping byte " << i << " went unnoticed";
    // Without checksums the section parsers see the damage: errors or (for text) a changed plan.
    (void)parse_plan(as_byte_span(bad), "flipped.plan", PlanParseOptions{.verify_checksums = false});
  }
}

TEST(PlanFileTest, CorruptSectionNamesItsTag) {
  std::string bytes = serialized_small_plan();
  auto container = plan_container::parse(as_byte_span(bytes), true);
  ASSERT_TRUE(container.is_ok());
  for (const auto& section : container->sections) {
    std::string bad = bytes;
    const size_t at = static_cast<size_t>(reinterpret_cast<const char*>(section.payload.data()) - bytes.data());
    bad[at + section.payload.size() / 2] ^= 1;
    auto r = parse_plan(as_byte_span(bad), "x.plan");
    ASSERT_FALSE(r.is_ok());
    EXPECT_TRUE(contains(r.status().message(), "section '" + section.tag + "' is corrupt")) << r.status().message();
  }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void expect_parse_error(const std::string& bytes, const std::string& text) {
  auto r = parse_plan(as_byte_span(bytes), "bad.plan");
  ASSERT_FALSE(r.is_ok()) << "expected an error mentioning: " << text;
  EXPECT_TRUE(contains(r.status().message(), text)) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "bad.plan")) << r.status().message();
}

TEST(PlanFileTest, SectionParsersRejectBadContent) {
  Plan plan = prepared_small_plan();
  const std::string head = plan_sections::header_to_json(plan.header);
  const std::string tactics = plan_sections::tactics_to_json(plan.tactics);
  const std::string good = serialize_plan(plan).value();
  auto container = plan_container::parse(as_byte_span(good), true);
  ASSERT_TRUE(container.is_ok());
  const auto& graph_payload = container->sections[1].payload;
  const std::string onnx(reinterpret_cast<const char*>(graph_payload.data()), graph_payload.size());
  auto plan_of = [](const std::string& h, const std::string& g, const std::string& t) {
    return plan_container::write(kPlanFormatVersion, {{"HEAD", h}, {"GRPH", g}, {"TACT", t}, {"MEMR", "report"}});
  };
  ASSERT_TRUE(parse_plan(as_byte_span(plan_of(head, onnx, tactics)), "ok.plan").is_ok());

  expect_parse_error(plan_of("{not json", onnx, tactics), "header section is not valid JSON");
  expect_parse_error(plan_of("[1]", onnx, tactics), "header section is JSON but not an object");
  expect_parse_error(plan_of(replaced(head, "\"onnx_hash\"", "\"other\""), onnx, tactics), "field 'onnx_hash' is missing");
  expect_parse_error(plan_of(replaced(head, "\"compute_major\":9", "\"compute_major\":\"9\""), onnx, tactics),
                     "field 'compute_major' is not an integer");
  expect_parse_error(plan_of(replaced(head, "\"cudnn_version\":91300", "\"cudnn_version\":-1"), onnx, tactics),
                     "field 'cudnn_version' = -1");
  expect_parse_error(plan_of(replaced(head, "\"format_version\":1", "\"format_version\":3"), onnx, tactics),
                     "field 'format_version' = 3");
  expect_parse_error(plan_of(head, "not protobuf", tactics), "graph section");

  Graph unsupported_graph = testing::make_small_graph();
  for (const auto& n : unsupported_graph.nodes())
    if (n->name == "relu") n->op_type = "NoSuchOp";
  expect_parse_error(plan_of(head, export_onnx_model_for_test(unsupported_graph), tactics), "NoSuchOp");

  expect_parse_error(plan_of(head, onnx, "[]"), "tactics section is JSON but not an object");
  expect_parse_error(plan_of(head, onnx, R"({"ghost":{"name":"a","id":1,"workspace_bytes":0}})"), "node 'ghost'");
  expect_parse_error(plan_of(head, onnx, R"({"add":{"name":"a","id":"1","workspace_bytes":0}})"), "field 'id' is not an integer");
  expect_parse_error(plan_of(head, onnx, R"({"add":{"name":"a","id":1,"workspace_bytes":-4}})"), "field 'workspace_bytes'");
  expect_parse_error(plan_of(head, onnx, R"({"add":{"id":1,"workspace_bytes":0}})"), "field 'name' is missing");

  expect_parse_error(plan_container::write(kPlanFormatVersion, {{"HEAD", head}, {"TACT", tactics}, {"GRPH", onnx}, {"MEMR", ""}}),
                     "section 2 is 'TACT'");
  expect_parse_error(plan_container::write(kPlanFormatVersion, {{"HEAD", head}, {"GRPH", onnx}, {"TACT", tactics}}), "has 3 sections");
  expect_parse_error(plan_container::write(kPlanFormatVersion, {{"GRPH", onnx}, {"HEAD", head}}), "first section is 'GRPH'");
  expect_parse_error("FOVEAPLX" + good.substr(8), "does not start with 'FOVEAPLN'");
}

TEST(PlanFileTest, NewerFormatVersionAsksForARebuild) {
  PlanHeader header = testing::make_small_plan().header;
  header.format_version = 2;
  const std::string bytes = plan_container::write(2, {{"HEAD", plan_sections::header_to_json(header)}, {"NEW!", "?"}});
  testing::TempDir dir;
  const std::string path = dir.file("future.plan");
  testing::write_bytes(path, bytes);

  auto plan = read_plan_file(path);
  ASSERT_FALSE(plan.is_ok());
  EXPECT_TRUE(contains(plan.status().message(), "plan format version 2 is not supported")) << plan.status().message();
  EXPECT_TRUE(contains(plan.status().message(), "fovea build small.onnx -o " + path + " --fp16")) << plan.status().message();

  auto read = read_plan_header(path);
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  EXPECT_EQ(read->format_version, 2u);
  Status s = check_plan_compatible(*read, testing::h100_environment(), path);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "plan format version: plan 2, here 1")) << s.message();
}

TEST(PlanFileTest, MatchingEnvironmentIsCompatible) {
  const PlanHeader header = testing::make_small_plan().header;
  EXPECT_TRUE(check_plan_compatible(header, testing::h100_environment(), "m.plan").is_ok());
  PlanEnvironment newer_minor = testing::h100_environment();
  newer_minor.cudnn_version = 91400;    // 9.14: same major
  newer_minor.cublas_version = 130200;  // 13.2
  newer_minor.cuda_runtime_version = 13010;
  EXPECT_TRUE(check_plan_compatible(header, newer_minor, "m.plan").is_ok());
}

TEST(PlanFileTest, MismatchedEnvironmentGivesTheRebuildCommand) {
  const PlanHeader header = testing::make_small_plan().header;
  const std::string rebuild = "Rebuild it with: fovea build small.onnx -o /plans/m.plan --fp16";

  PlanEnvironment other_gpu = testing::h100_environment();
  other_gpu.gpu_name = "NVIDIA H200";
  Status s = check_plan_compatible(header, other_gpu, "/plans/m.plan");
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "GPU: plan 'NVIDIA H100 80GB HBM3', here 'NVIDIA H200'")) << s.message();
  EXPECT_TRUE(contains(s.message(), rebuild)) << s.message();

  PlanEnvironment orin = testing::h100_environment();
  orin.compute_major = 8;
  orin.compute_minor = 7;
  s = check_plan_compatible(header, orin, "/plans/m.plan");
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "compute capability: plan 9.0, here 8.7")) << s.message();
  EXPECT_TRUE(contains(s.message(), rebuild)) << s.message();

  PlanEnvironment old_cudnn = testing::h100_environment();
  old_cudnn.cudnn_version = 8907;
  s = check_plan_compatible(header, old_cudnn, "/plans/m.plan");
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "cuDNN major version: plan 9.13.0, here 8.9.7")) << s.message();
  EXPECT_TRUE(contains(s.message(), rebuild)) << s.message();

  PlanEnvironment no_gpu;
  s = check_plan_compatible(header, no_gpu, "/plans/m.plan");
  ASSERT_FALSE(s.is_ok());
  for (const char* field : {"GPU: plan 'NVIDIA H100 80GB HBM3', here no GPU", "compute capability", "CUDA runtime major version: plan 13.0, here none",
                            "cuDNN", "cuBLAS major version: plan 13.1.0, here none"})
    EXPECT_TRUE(contains(s.message(), field)) << field << " in " << s.message();

  PlanHeader old_fovea = header;
  old_fovea.fovea_version = "0.0.1";
  s = check_plan_compatible(old_fovea, testing::h100_environment(), "/plans/m.plan");
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "fovea version: plan '0.0.1', here '" FOVEA_VERSION "'")) << s.message();
}

TEST(PlanFileTest, RebuildCommandCarriesTheBuildOptions) {
  PlanHeader header;
  header.source_model = "yolo.onnx";
  BuildConfig config;
  config.precision = Precision::kFp16;
  config.batch_min = 1, config.batch_opt = 4, config.batch_max = 8;
  config.input_shapes["images"] = ShapeRange{{1, 3, 320, 320}, {1, 3, 640, 640}, {1, 3, 1280, 1280}};
  header.build_options_json = config.to_json();
  EXPECT_EQ(plan_rebuild_command(header, "y.plan"),
            "fovea build yolo.onnx -o y.plan --fp16 --batch 1:4:8 --minShapes=images:1x3x320x320 "
            "--optShapes=images:1x3x640x640 --maxShapes=images:1x3x1280x1280");
  config.layer_precision["head"] = Precision::kFp32;
  header.build_options_json = config.to_json();
  EXPECT_TRUE(contains(plan_rebuild_command(header, "y.plan"), "other build options: {")) << plan_rebuild_command(header, "y.plan");
  header.source_model.clear();
  header.build_options_json.clear();
  EXPECT_EQ(plan_rebuild_command(header, "y.plan"), "fovea build <model.onnx> -o y.plan");
}

TEST(PlanFileTest, WritingRefusesBadPlansAndBadPaths) {
  Plan plan = prepared_small_plan();
  plan.tactics["ghost"] = Tactic{"x", 0, 0};
  auto r = serialize_plan(plan);
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(contains(r.status().message(), "'ghost'")) << r.status().message();

  Status s = write_plan_file("/nonexistent_folder_for_fovea/x.plan", prepared_small_plan());
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "/nonexistent_folder_for_fovea/x.plan")) << s.message();
  EXPECT_FALSE(read_plan_file("/nonexistent_folder_for_fovea/x.plan").is_ok());
  EXPECT_FALSE(read_plan_header("/nonexistent_folder_for_fovea/x.plan").is_ok());
}

TEST(PlanFileTest, ModelHashIsXxh3With128Bits) {
  EXPECT_EQ(hash_model_bytes({}), "xxh3-128:99aa06d3014798d86001c324468d497f");
  const std::string a = "model a", b = "model b";
  EXPECT_NE(hash_model_bytes(as_byte_span(a)), hash_model_bytes(as_byte_span(b)));
  EXPECT_EQ(hash_model_bytes(as_byte_span(a)).size(), 9u + 32u);
}

}  // namespace
}  // namespace fovea
