// Malformed and hostile models: every one must give a non-ok Status whose message names the
// thing at fault, never a crash or a huge allocation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"
#include "ir/onnx/onnx_importer.h"

namespace fovea {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

onnx::ModelProto make_model(int64_t opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("bad_model_test");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name("g");
  return m;
}

void add_io(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
            std::vector<int64_t> dims, int elem = onnx::TensorProto::FLOAT) {
  auto* vi = list->Add();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem);
  auto* shape = tt->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}
void add_input(onnx::ModelProto& m, const std::string& name, std::vector<int64_t> dims,
               int elem = onnx::TensorProto::FLOAT) {
  add_io(m.mutable_graph()->mutable_input(), name, std::move(dims), elem);
}
void add_output(onnx::ModelProto& m, const std::string& name) {
  auto* vi = m.mutable_graph()->add_output();
  vi->set_name(name);
}
onnx::NodeProto* add_node(onnx::ModelProto& m, const std::string& op, const std::string& name,
                          std::vector<std::string> inputs, std::vector<std::string> outputs) {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : inputs) n->add_input(i);
  for (auto& o : outputs) n->add_output(o);
  return n;
}
onnx::TensorProto* add_initializer(onnx::ModelProto& m, const std::string& name, std::vector<int64_t> dims,
                                   int elem = onnx::TensorProto::FLOAT) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(elem);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}
void set_external(onnx::TensorProto* t, const std::string& location, int64_t offset = -1, int64_t length = -1) {
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const std::string& k, const std::string& v) {
    auto* kv = t->add_external_data();
    kv->set_key(k);
    kv->set_value(v);
  };
  add("location", location);
  if (offset >= 0) add("offset", std::to_string(offset));
  if (length >= 0) add("length", std::to_string(length));
}

std::span<const std::byte> as_span(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

Result<Graph> load(const onnx::ModelProto& m) {
  const std::string bytes = m.SerializeAsString();
  return load_onnx_model_from_bytes(as_span(bytes));
}

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            fmt::format("fovea_bad_model_{}_{}", getpid(), info ? info->name() : "x") / "model_dir";
    fs::remove_all(path_.parent_path());
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_.parent_path()); }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& rel, const std::string& data) const {
    fs::path p = path_ / rel;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }

 private:
  fs::path path_;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string floats_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// x:[2,3] + W:[2,3] -> y, with W filled in by the caller.
onnx::ModelProto add_model(onnx::TensorProto** w) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2, 3});
  *w = add_initializer(m, "W", {2, 3});
  add_node(m, "Add", "add0", {"x", "W"}, {"y"});
  add_output(m, "y");
  return m;
}

TEST(BadModelTest, TruncatedModelFile) {
  const std::string full = read_all(fs::path(FOVEA_SOURCE_DIR) / "models/resnet_small.onnx");
  ASSERT_GT(full.size(), 100000u);
  for (size_t len : {size_t{1}, size_t{2}, size_t{16}, size_t{100}, size_t{1000}, full.size() / 3, full.size() / 2,
                     full.size() - 100, full.size() - 1}) {
    auto g = load_onnx_model_from_bytes(as_span(full.substr(0, len)));
    ASSERT_FALSE(g.is_ok()) << "cut at " << len;
    EXPECT_FALSE(g.status().message().empty());
  }
  TempDir dir;
  const fs::path p = dir.write("cut.onnx", full.substr(0, full.size() / 2));
  auto g = import_onnx_file(p.string());
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("cut.onnx"));
  EXPECT_THAT(g.status().message(), HasSubstr("truncated"));
}

TEST(BadModelTest, RandomBytes) {
  std::mt19937 rng(1234);
  for (size_t len : {1, 3, 17, 256, 4096, 65536}) {
    std::string bytes(len, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    auto g = load_onnx_model_from_bytes(as_span(bytes));
    EXPECT_FALSE(g.is_ok()) << "length " << len;
  }
}

TEST(BadModelTest, EmptyFile) {
  EXPECT_THAT(load_onnx_model_from_bytes({}).status().message(), HasSubstr("empty"));
  TempDir dir;
  const fs::path p = dir.write("empty.onnx", "");
  auto g = import_onnx_file(p.string());
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("empty"));
  EXPECT_THAT(g.status().message(), HasSubstr("empty.onnx"));
  EXPECT_FALSE(import_onnx_file((dir.path() / "missing.onnx").string()).is_ok());
  EXPECT_FALSE(import_onnx_file(dir.path().string()).is_ok());  // a folder
}

TEST(BadModelTest, GraphWithCycle) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2});
  add_node(m, "Add", "first", {"x", "b"}, {"a"});
  add_node(m, "Relu", "second", {"a"}, {"b"});
  add_output(m, "b");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("cycle"));
  EXPECT_TRUE(g.status().message().find("'first'") != std::string::npos ||
              g.status().message().find("'second'") != std::string::npos)
      << g.status().message();
}

TEST(BadModelTest, NodeReadsItsOwnOutput) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2});
  add_node(m, "Add", "self", {"x", "a"}, {"a"});
  add_output(m, "a");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("'self'"));
}

TEST(BadModelTest, MissingInitializer) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2, 3});
  add_node(m, "Add", "add0", {"x", "W_missing"}, {"y"});
  add_output(m, "y");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_EQ(g.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(g.status().message(), HasSubstr("'W_missing'"));
  EXPECT_THAT(g.status().message(), HasSubstr("'add0'"));
}

TEST(BadModelTest, MissingGraphOutputAndDuplicates) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2});
  add_node(m, "Relu", "r", {"x"}, {"y"});
  add_output(m, "nowhere");
  EXPECT_THAT(load(m).status().message(), HasSubstr("'nowhere'"));

  onnx::ModelProto d = make_model();
  add_input(d, "x", {2});
  add_node(d, "Relu", "r1", {"x"}, {"y"});
  add_node(d, "Relu", "r2", {"x"}, {"y"});
  add_output(d, "y");
  auto g = load(d);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("'y'"));
  EXPECT_THAT(g.status().message(), HasSubstr("more than once"));

  onnx::ModelProto no_graph;
  no_graph.set_ir_version(8);
  EXPECT_THAT(load(no_graph).status().message(), HasSubstr("no graph"));
}

TEST(BadModelTest, RawDataSizeMismatch) {
  onnx::TensorProto* w;
  onnx::ModelProto m = add_model(&w);
  w->set_raw_data(std::string(20, '\0'));  // [2,3] float needs 24
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("'W'"));
  EXPECT_THAT(g.status().message(), HasSubstr("raw_data has 20 bytes"));
  EXPECT_THAT(g.status().message(), HasSubstr("24"));
}

TEST(BadModelTest, TypedDataCountMismatch) {
  onnx::TensorProto* w;
  onnx::ModelProto m = add_model(&w);
  for (int i = 0; i < 5; ++i) w->add_float_data(1.0f);
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("'W'"));
  EXPECT_THAT(g.status().message(), HasSubstr("float_data has 5 values"));

  onnx::ModelProto m2 = make_model();
  add_input(m2, "x", {2});
  auto* t = add_initializer(m2, "idx", {3}, onnx::TensorProto::INT64);
  t->add_int64_data(1);
  add_node(m2, "Add", "a", {"x", "idx"}, {"y"});
  add_output(m2, "y");
  EXPECT_THAT(load(m2).status().message(), HasSubstr("int64_data has 1 values"));
}

TEST(BadModelTest, HugeInitializerFailsBeforeAllocating) {
  const int64_t side = int64_t{1} << 20;  // [2^20, 2^20] = 2^40 elements
  for (bool raw : {true, false}) {
    onnx::ModelProto m = make_model();
    add_input(m, "x", {2});
    auto* w = add_initializer(m, "huge", {side, side});
    if (raw) w->set_raw_data(std::string(16, '\0'));
    add_node(m, "Add", "a", {"x", "huge"}, {"y"});
    add_output(m, "y");
    auto g = load(m);
    ASSERT_FALSE(g.is_ok());
    EXPECT_EQ(g.status().code(), StatusCode::kOutOfRange) << g.status().to_string();
    EXPECT_THAT(g.status().message(), HasSubstr("'huge'"));
    EXPECT_THAT(g.status().message(), HasSubstr("limit"));
  }
  // Dims whose product overflows int64, and a negative dim.
  for (std::vector<int64_t> dims : {std::vector<int64_t>{int64_t{1} << 40, int64_t{1} << 40, 16},
                                    std::vector<int64_t>{4, -1}}) {
    onnx::ModelProto m = make_model();
    add_input(m, "x", {2});
    add_initializer(m, "bad", dims);
    add_node(m, "Add", "a", {"x", "bad"}, {"y"});
    add_output(m, "y");
    auto g = load(m);
    ASSERT_FALSE(g.is_ok());
    EXPECT_THAT(g.status().message(), HasSubstr("'bad'"));
  }
}

// ConstantOfShape([2^20, 2^20]) is a valid model that must not be evaluated at load time and
// must fail cleanly (size limit) when run.
TEST(BadModelTest, ConstantOfShapeWithHugeOutput) {
  for (std::vector<int64_t> shape : {std::vector<int64_t>{int64_t{1} << 20, int64_t{1} << 20},
                                     std::vector<int64_t>{int64_t{1} << 32, int64_t{1} << 32}}) {
    onnx::ModelProto m = make_model();
    auto* s = add_initializer(m, "shape", {2}, onnx::TensorProto::INT64);
    for (int64_t d : shape) s->add_int64_data(d);
    add_node(m, "ConstantOfShape", "fill", {"shape"}, {"y"});
    add_output(m, "y");
    auto g = load(m);
    if (!g.is_ok()) {
      EXPECT_THAT(g.status().message(), HasSubstr("'fill'"));
      continue;
    }
    auto ex = cpu::CpuExecutor::create(*g);
    ASSERT_TRUE(ex.is_ok()) << ex.status().to_string();
    auto out = (*ex)->run({});
    ASSERT_FALSE(out.is_ok());
    EXPECT_THAT(out.status().message(), HasSubstr("'fill'"));
  }
}

TEST(BadModelTest, UnsupportedOpsAreListedTogether) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {2});
  add_node(m, "FancyOp", "fancy1", {"x"}, {"a"});
  add_node(m, "Relu", "relu", {"a"}, {"b"});
  add_node(m, "FancyOp", "fancy2", {"b"}, {"c"});
  add_node(m, "OtherOp", "other", {"c"}, {"d"});
  add_node(m, "Custom", "custom", {"d"}, {"e"})->set_domain("com.example");
  add_output(m, "e");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnsupported);
  const std::string& msg = g.status().message();
  EXPECT_THAT(msg, HasSubstr("4 node(s) use 3 unsupported op(s)"));
  EXPECT_THAT(msg, HasSubstr("FancyOp x2: 'fancy1', 'fancy2'"));
  EXPECT_THAT(msg, HasSubstr("OtherOp x1: 'other'"));
  EXPECT_THAT(msg, HasSubstr("com.example::Custom x1: 'custom'"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("relu")));
}

TEST(BadModelTest, SubgraphsAndSequencesAreUnsupported) {
  onnx::ModelProto m = make_model();
  add_input(m, "c", {}, onnx::TensorProto::BOOL);
  auto* n = add_node(m, "If", "branch", {"c"}, {"y"});
  auto* a = n->add_attribute();
  a->set_name("then_branch");
  a->set_type(onnx::AttributeProto::GRAPH);
  a->mutable_g()->set_name("then");
  add_output(m, "y");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(g.status().message(), HasSubstr("'branch'"));
}

TEST(BadModelTest, OpsetBelow1) {  // opsets 1-6 are lowered (legacy_opset_test.cpp)
  onnx::ModelProto m = make_model(0);
  add_input(m, "x", {2});
  add_node(m, "Relu", "r", {"x"}, {"y"});
  add_output(m, "y");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(g.status().message(), HasSubstr("opset 0"));

  onnx::ModelProto none = make_model();
  none.clear_opset_import();
  none.add_opset_import()->set_domain("com.other");
  add_input(none, "x", {2});
  add_node(none, "Relu", "r", {"x"}, {"y"});
  add_output(none, "y");
  EXPECT_THAT(load(none).status().message(), HasSubstr("default-domain"));
}

TEST(BadModelTest, ConvWeightOfWrongRankNamesTheNode) {
  onnx::ModelProto m = make_model();
  add_input(m, "x", {1, 3, 8, 8});
  auto* w = add_initializer(m, "w", {4, 3, 3});  // rank 3 for a 2-D conv
  for (int i = 0; i < 36; ++i) w->add_float_data(0.5f);
  add_node(m, "Conv", "conv_bad", {"x", "w"}, {"y"});
  add_output(m, "y");
  auto g = load(m);
  ASSERT_FALSE(g.is_ok());
  EXPECT_THAT(g.status().message(), HasSubstr("'conv_bad'"));
}

TEST(BadModelTest, ExternalDataOutsideTheModelFolder) {
  TempDir dir;
  std::ofstream(dir.path().parent_path() / "outside.bin", std::ios::binary) << floats_bytes({1, 2, 3, 4, 5, 6});
  fs::create_symlink(dir.path().parent_path() / "outside.bin", dir.path() / "link.bin");
  for (const std::string& location : std::vector<std::string>{"../outside.bin", "sub/../../outside.bin",
                                     (dir.path().parent_path() / "outside.bin").string(), "link.bin"}) {
    onnx::TensorProto* w;
    onnx::ModelProto m = add_model(&w);
    set_external(w, location);
    const fs::path p = dir.write("model.onnx", m.SerializeAsString());
    auto g = import_onnx_file(p.string());
    ASSERT_FALSE(g.is_ok()) << location;
    EXPECT_THAT(g.status().message(), HasSubstr("'W'")) << location;
    EXPECT_THAT(g.status().message(), HasSubstr("inside the model's folder")) << location;
  }
}

TEST(BadModelTest, ExternalDataPastTheEndOfTheFile) {
  TempDir dir;
  dir.write("weights.bin", std::string(30, 'x'));
  struct Case { int64_t offset, length; const char* expect; };
  for (const Case c : {Case{-1, -1, "past the end"},  // 30 bytes, needs 24 at offset 0: fine; see below
                       Case{8, -1, "past the end"}, Case{1000, -1, "past the end"},
                       Case{0, 12, "does not match"}}) {
    onnx::TensorProto* w;
    onnx::ModelProto m = add_model(&w);
    set_external(w, "weights.bin", c.offset, c.length);
    const fs::path p = dir.write("model.onnx", m.SerializeAsString());
    auto g = import_onnx_file(p.string());
    if (c.offset < 0) {  // the whole tensor fits at offset 0
      EXPECT_TRUE(g.is_ok()) << g.status().to_string();
      continue;
    }
    ASSERT_FALSE(g.is_ok()) << c.offset;
    EXPECT_THAT(g.status().message(), HasSubstr("'W'"));
    EXPECT_THAT(g.status().message(), HasSubstr(c.expect));
  }
  // Missing file, bad offset text, and external data from bytes (no folder) are refused.
  onnx::TensorProto* w;
  onnx::ModelProto m = add_model(&w);
  set_external(w, "nothere.bin");
  EXPECT_THAT(import_onnx_file(dir.write("model.onnx", m.SerializeAsString()).string()).status().message(),
              HasSubstr("nothere.bin"));
  EXPECT_THAT(load(m).status().message(), HasSubstr("not allowed"));
  w->mutable_external_data(0)->set_value("weights.bin");
  auto* kv = w->add_external_data();
  kv->set_key("offset");
  kv->set_value("12abc");
  EXPECT_THAT(import_onnx_file(dir.write("model.onnx", m.SerializeAsString()).string()).status().message(),
              HasSubstr("12abc"));
}

TEST(BadModelTest, ExternalDataWorks) {
  TempDir dir;
  const std::vector<float> values = {1.5f, -2.f, 3.25f, 4.f, 5.f, -6.5f};
  dir.write("weights.bin", std::string(16, 'p') + floats_bytes(values) + "tail");
  fs::create_directories(dir.path() / "data");
  dir.write("data/w2.bin", floats_bytes(values));
  for (bool in_subfolder : {false, true}) {
    onnx::TensorProto* w;
    onnx::ModelProto m = add_model(&w);
    if (in_subfolder) set_external(w, "data/w2.bin");
    else set_external(w, "weights.bin", 16, 24);
    const fs::path p = dir.write("model.onnx", m.SerializeAsString());
    auto g = import_onnx_file(p.string());
    ASSERT_TRUE(g.is_ok()) << g.status().to_string();
    const Value* v = g->find_value("W");
    ASSERT_TRUE(v && v->constant);
    EXPECT_EQ(v->constant->dims(), (Dims{2, 3}));
    auto got = v->constant->values<float>();
    EXPECT_EQ(std::vector<float>(got.begin(), got.end()), values);
  }
}

TEST(BadModelTest, GarbageTensorFile) {
  TempDir dir;
  EXPECT_FALSE(read_onnx_tensor_file(dir.write("t.pb", "\xff\xff\xff\xff garbage").string()).is_ok());
  EXPECT_FALSE(read_onnx_tensor_file((dir.path() / "none.pb").string()).is_ok());
}

}  // namespace
}  // namespace fovea
