#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"
#include "ops/graph_checks.h"
#include "passes/assign_precision.h"
#include "passes/optimize_graph.h"
#include "planner/memory_plan.h"

namespace fovea::planner {
namespace {

// ---- plan_buffers ---------------------------------------------------------------------------

size_t aligned(size_t bytes, size_t alignment) { return (bytes + alignment - 1) / alignment * alignment; }

// No two requests live at a common step may share a byte; offsets aligned; all inside the arena.
void expect_valid_plan(const std::vector<BufferRequest>& requests, const MemoryPlan& plan, size_t alignment) {
  ASSERT_EQ(plan.offsets.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % alignment, 0u) << requests[i].name;
    if (requests[i].bytes) {
      EXPECT_LE(plan.offsets[i] + requests[i].bytes, plan.arena_bytes) << requests[i].name;
    }
  }
  for (size_t i = 0; i < requests.size(); ++i)
    for (size_t j = i + 1; j < requests.size(); ++j) {
      if (!requests[i].bytes || !requests[j].bytes || !lifetimes_overlap(requests[i], requests[j])) continue;
      const bool disjoint = plan.offsets[i] + requests[i].bytes <= plan.offsets[j] ||
                            plan.offsets[j] + requests[j].bytes <= plan.offsets[i];
      EXPECT_TRUE(disjoint) << requests[i].name << " and " << requests[j].name << " overlap";
    }
}

TEST(PlanBuffersTest, ChainReusesMemoryOfDeadTensors) {
  // x -> a -> b -> c: x and b, a and c are never live together.
  std::vector<BufferRequest> r = {{"x", 1000, 0, 0}, {"a", 1000, 0, 1}, {"b", 1000, 1, 2}, {"c", 1000, 2, 3}};
  auto plan = plan_buffers(r);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  expect_valid_plan(r, *plan, 256);
  EXPECT_EQ(plan->arena_bytes, 2 * 1024u);
  EXPECT_EQ(plan->naive_bytes, 4000u);
  EXPECT_EQ(plan->offsets[0], plan->offsets[2]);
  EXPECT_EQ(plan->offsets[1], plan->offsets[3]);
}

TEST(PlanBuffersTest, BestFitChoosesTheTightestGap) {
  // Placed first (largest first): a@0 (dies at step 0), b@512 (lives on), c@1024 (dies at 0),
  // d@1280 (lives on). At step 5, x sees gaps [0,512) and [1024,1280); best fit takes the second.
  std::vector<BufferRequest> r = {{"a", 512, 0, 0}, {"b", 512, 0, 9}, {"c", 256, 0, 0}, {"d", 256, 0, 9},
                                  {"x", 256, 5, 5}};
  auto plan = plan_buffers(r);
  ASSERT_TRUE(plan.is_ok());
  expect_valid_plan(r, *plan, 256);
  EXPECT_EQ(plan->offsets, (std::vector<size_t>{0, 512, 1024, 1280, 1024}));
  EXPECT_EQ(plan->arena_bytes, 1536u);
}

TEST(PlanBuffersTest, AlignmentAndZeroSizedRequests) {
  std::vector<BufferRequest> r = {{"a", 1, 0, 3}, {"b", 1, 0, 3}, {"empty", 0, 0, 3}, {"c", 300, 1, 2}};
  auto plan = plan_buffers(r, 128);
  ASSERT_TRUE(plan.is_ok());
  expect_valid_plan(r, *plan, 128);
  EXPECT_EQ(plan->arena_bytes, 128u + 128u + 384u);
  EXPECT_EQ(plan->naive_bytes, 302u);
}

TEST(PlanBuffersTest, BadInputsAreErrorsNamingTheRequest) {
  auto reversed = plan_buffers({{"t", 8, 3, 1}});
  ASSERT_FALSE(reversed.is_ok());
  EXPECT_NE(reversed.status().message().find("'t'"), std::string::npos);
  EXPECT_FALSE(plan_buffers({{"neg", 8, -1, 1}}).is_ok());
  EXPECT_FALSE(plan_buffers({{"t", 8, 0, 1}}, 100).is_ok());  // not a power of two
  EXPECT_FALSE(plan_buffers({{"huge", SIZE_MAX - 3, 0, 1}}).is_ok());
  auto empty = plan_buffers({});
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->arena_bytes, 0u);
}

TEST(PlanBuffersTest, RandomIntervalSetsNeverOverlapAndBeatTheNaiveSum) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    const int steps = 1 + static_cast<int>(rng() % 40);
    const size_t n = 1 + rng() % 60;
    std::vector<BufferRequest> r;
    for (size_t i = 0; i < n; ++i) {
      const int first = static_cast<int>(rng() % steps);
      const int last = first + static_cast<int>(rng() % (steps - first + 1));
      r.push_back({fmt::format("t{}", i), 1 + rng() % 100000, first, last});
    }
    const size_t alignment = size_t{1} << (rng() % 10);
    auto plan = plan_buffers(r, alignment);
    ASSERT_TRUE(plan.is_ok());
    expect_valid_plan(r, *plan, alignment);
    // The arena is at least the peak of simultaneously live (aligned) bytes and at most their sum.
    size_t peak = 0, total = 0;
    for (int s = 0; s <= steps; ++s) {
      size_t live = 0;
      for (const auto& q : r)
        if (q.first_step <= s && s <= q.last_step) live += aligned(q.bytes, alignment);
      peak = std::max(peak, live);
    }
    for (const auto& q : r) total += aligned(q.bytes, alignment);
    EXPECT_GE(plan->arena_bytes, peak);
    EXPECT_LE(plan->arena_bytes, total);
  }
}

// ---- plan_graph_memory ----------------------------------------------------------------------

// Small hand-built graphs with float32 values; dims are given per value as the planner gets them.
class TestGraph {
 public:
  TestGraph() { graph.opset = 17; }

  Value* value(const std::string& name) {
    if (Value* v = graph.find_value(name)) return v;
    Value* v = *graph.add_value(name);
    v->dtype = DType::kFloat32;
    return v;
  }
  Value* input(const std::string& name, Dims d) {
    Value* v = value(name);
    graph.inputs.push_back(v);
    dims[v] = std::move(d);
    return v;
  }
  Value* ints(const std::string& name, std::vector<int64_t> data) {
    const int64_t n = static_cast<int64_t>(data.size());
    return *graph.add_constant(name, Tensor::from_vector<int64_t>(data, {n}));
  }
  // Adds a node whose outputs get the given dims (one entry per output).
  Node* node(const std::string& op, std::vector<Value*> inputs, std::vector<std::pair<std::string, Dims>> outputs,
             std::vector<Attribute> attrs = {}) {
    Node* n = graph.add_node(fmt::format("{}{}", op, graph.nodes().size()), op);
    n->inputs = std::move(inputs);
    for (auto& [name, d] : outputs) {
      Value* v = value(name);
      n->outputs.push_back(v);
      dims[v] = d;
    }
    n->attributes = std::move(attrs);
    EXPECT_TRUE(graph.connect(n).is_ok());
    order.push_back(n);
    return n;
  }
  void output(const std::string& name) { graph.outputs.push_back(value(name)); }
  Result<GraphMemoryPlan> plan(const GraphMemoryOptions& options = {}) {
    return plan_graph_memory(graph, order, dims, options);
  }

  Graph graph;
  std::vector<const Node*> order;
  std::map<const Value*, Dims> dims;
};

// Steps during which a value's bytes must stay intact: from the step that writes its data (for a
// view, the step that wrote the base; for a value inside an elided Concat, its own producer; for
// an elided Concat's output, its earliest input producer) to its last read by a node that runs
// (the end for graph outputs). Computed independently of the planner's own bookkeeping.
std::pair<int, int> required_interval(const Graph& g, const std::map<const Node*, int>& step,
                                      const GraphMemoryPlan& plan, const Value* v) {
  const int n = static_cast<int>(step.size());
  const Value* writer = v;
  while (writer->producer && plan.skipped_nodes.count(writer->producer) && writer->producer->op_type != "Concat")
    writer = writer->producer->inputs[0];
  int first = 0;
  if (writer->producer && plan.skipped_nodes.count(writer->producer)) {
    first = n;
    for (const Value* in : writer->producer->inputs) first = std::min(first, step.at(in->producer));
  } else if (writer->producer && step.count(writer->producer)) {
    first = step.at(writer->producer);
  }
  int last = first;
  for (const Node* c : v->consumers)
    if (step.count(c) && !plan.skipped_nodes.count(c)) last = std::max(last, step.at(c));
  if (std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end()) last = n;
  return {first, last};
}

// Values that own different buffers and must be intact at a common step never share a byte.
// Returns the number of pairs checked.
int expect_no_live_overlap(const Graph& g, const std::vector<const Node*>& order, const GraphMemoryPlan& plan) {
  std::map<const Node*, int> step;
  for (size_t i = 0; i < order.size(); ++i) step[order[i]] = static_cast<int>(i);
  std::vector<const Value*> values;
  std::map<const Value*, std::pair<int, int>> live;
  for (const auto& [v, p] : plan.placement) {
    values.push_back(v);
    live[v] = required_interval(g, step, plan, v);
    EXPECT_LE(p.offset + p.bytes, plan.arena_bytes) << v->name;
  }
  int checked = 0;
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = i + 1; j < values.size(); ++j) {
      const Value *a = values[i], *b = values[j];
      if (plan.buffer_owner.at(a) == plan.buffer_owner.at(b)) continue;
      if (live[a].first > live[b].second || live[b].first > live[a].second) continue;
      const ValuePlacement &pa = plan.placement.at(a), &pb = plan.placement.at(b);
      ++checked;
      EXPECT_TRUE(pa.offset + pa.bytes <= pb.offset || pb.offset + pb.bytes <= pa.offset)
          << a->name << " and " << b->name << " are live together but overlap";
    }
  return checked;
}
void expect_no_live_overlap(const TestGraph& t, const GraphMemoryPlan& plan) {
  expect_no_live_overlap(t.graph, t.order, plan);
}

TEST(GraphMemoryPlanTest, ChainSharesBuffersAndReports) {
  TestGraph t;
  Value* x = t.input("x", {1, 64});  // 256 bytes
  t.node("Relu", {x}, {{"a", {1, 64}}});
  t.node("Relu", {t.value("a")}, {{"b", {1, 64}}});
  t.node("Relu", {t.value("b")}, {{"c", {1, 64}}});
  t.output("c");
  auto plan = t.plan(GraphMemoryOptions{.inputs_live_to_end = false});
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->naive_bytes, 4 * 256u);
  EXPECT_EQ(plan->arena_bytes, 2 * 256u);
  EXPECT_EQ(plan->buffers, 4);
  EXPECT_TRUE(plan->skipped_nodes.empty());
  expect_no_live_overlap(t, *plan);
  EXPECT_NE(plan->report().find("arena 0.00 MiB"), std::string::npos) << plan->report();
}

TEST(GraphMemoryPlanTest, ReshapeLikeNodesBecomeViewsAndKeepTheirBaseAlive) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 16});
  Node* relu = t.node("Relu", {x}, {{"a", {1, 4, 16}}});
  Node* reshape = t.node("Reshape", {t.value("a"), t.ints("shape", {1, 64})}, {{"r", {1, 64}}});
  Node* flatten = t.node("Flatten", {t.value("r")}, {{"f", {1, 64}}});
  t.node("Relu", {x}, {{"b", {1, 4, 16}}});
  t.node("Relu", {t.value("b")}, {{"c", {1, 4, 16}}});
  t.node("Add", {t.value("f"), t.value("c")}, {{"y", {1, 64}}});  // reads the view late
  t.output("y");
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->views, 2);
  EXPECT_TRUE(plan->skipped_nodes.count(reshape));
  EXPECT_TRUE(plan->skipped_nodes.count(flatten));
  EXPECT_FALSE(plan->skipped_nodes.count(relu));
  EXPECT_EQ(plan->placement.at(t.value("r")).offset, plan->placement.at(t.value("a")).offset);
  EXPECT_EQ(plan->placement.at(t.value("f")).offset, plan->placement.at(t.value("a")).offset);
  EXPECT_EQ(plan->buffer_owner.at(t.value("f")), t.value("a"));
  expect_no_live_overlap(t, *plan);
  // "a" must survive until the Add reads "f", so b and c may not take its place.
  const size_t a_off = plan->placement.at(t.value("a")).offset;
  EXPECT_NE(plan->placement.at(t.value("c")).offset, a_off);
  EXPECT_NE(plan->placement.at(t.value("b")).offset, a_off);

  auto no_views = t.plan({.views = false});
  ASSERT_TRUE(no_views.is_ok());
  EXPECT_EQ(no_views->views, 0);
  EXPECT_TRUE(no_views->skipped_nodes.empty());
  EXPECT_GE(no_views->arena_bytes, plan->arena_bytes);
}

TEST(GraphMemoryPlanTest, GraphOutputIsNeverAViewOfAGraphInput) {
  TestGraph t;
  Value* x = t.input("x", {2, 8});
  t.node("Identity", {x}, {{"i", {2, 8}}});                       // a view of the input: fine
  t.node("Reshape", {t.value("i"), t.ints("s", {16})}, {{"y", {16}}});  // an output: must copy
  t.output("y");
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok());
  EXPECT_EQ(plan->views, 1);
  EXPECT_EQ(plan->skipped_nodes.size(), 1u);
  EXPECT_EQ(plan->buffer_owner.at(t.value("y")), t.value("y"));
  expect_no_live_overlap(t, *plan);
}

TEST(GraphMemoryPlanTest, ContiguousSliceIsAViewAtItsByteOffset) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 8});
  t.node("Relu", {x}, {{"a", {1, 4, 8}}});
  // a[:, 1:3, :] is rows 1..2: one contiguous range starting 8 floats in.
  Node* rows = t.node("Slice", {t.value("a"), t.ints("st", {1}), t.ints("en", {3}), t.ints("ax", {1})},
                      {{"rows", {1, 2, 8}}});
  // a[:, :, 2:4] is strided: the node must run.
  Node* cols = t.node("Slice", {t.value("a"), t.ints("st2", {2}), t.ints("en2", {4}), t.ints("ax2", {-1})},
                      {{"cols", {1, 4, 2}}});
  // a[:, 3:, 5:6] with a negative start: row 3 has extent 1, so [5,6) of it is contiguous.
  Node* one = t.node("Slice", {t.value("a"), t.ints("st3", {-1, 5}), t.ints("en3", {100, 6}), t.ints("ax3", {1, 2})},
                     {{"one", {1, 1, 1}}});
  t.node("Concat", {t.value("rows"), t.value("cols")}, {{"y", {1, 2, 10}}}, {{"axis", int64_t{2}}});
  t.node("Relu", {t.value("one")}, {{"z", {1, 1, 1}}});
  t.output("y");
  t.output("z");
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_TRUE(plan->skipped_nodes.count(rows));
  EXPECT_FALSE(plan->skipped_nodes.count(cols));
  EXPECT_TRUE(plan->skipped_nodes.count(one));
  const size_t base = plan->placement.at(t.value("a")).offset;
  EXPECT_EQ(plan->placement.at(t.value("rows")).offset, base + 8 * 4);
  EXPECT_EQ(plan->placement.at(t.value("one")).offset, base + (3 * 8 + 5) * 4);
  EXPECT_EQ(plan->elided_concats, 0);  // the Concat along axis 2 interleaves its inputs
  expect_no_live_overlap(t, *plan);
}

TEST(GraphMemoryPlanTest, SplitOutputsAreViewsWhenChunksAreContiguous) {
  TestGraph t;
  Value* x = t.input("x", {1, 6, 4});
  t.node("Relu", {x}, {{"a", {1, 6, 4}}});
  Node* split = t.node("Split", {t.value("a"), t.ints("sizes", {2, 4})}, {{"p", {1, 2, 4}}, {"q", {1, 4, 4}}},
                       {{"axis", int64_t{1}}});
  Node* strided = t.node("Split", {t.value("a")}, {{"l", {1, 6, 2}}, {"r", {1, 6, 2}}}, {{"axis", int64_t{2}}});
  t.node("Add", {t.value("l"), t.value("r")}, {{"s", {1, 6, 2}}});
  t.node("Relu", {t.value("q")}, {{"y", {1, 4, 4}}});
  t.node("Relu", {t.value("p")}, {{"z", {1, 2, 4}}});
  t.output("y");
  t.output("z");
  t.output("s");
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_TRUE(plan->skipped_nodes.count(split));
  EXPECT_FALSE(plan->skipped_nodes.count(strided));
  const size_t base = plan->placement.at(t.value("a")).offset;
  EXPECT_EQ(plan->placement.at(t.value("p")).offset, base);
  EXPECT_EQ(plan->placement.at(t.value("q")).offset, base + 2 * 4 * 4);
  expect_no_live_overlap(t, *plan);
}

TEST(GraphMemoryPlanTest, ConcatInputsAreWrittenInPlace) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 16});
  Node* pa = t.node("Relu", {x}, {{"a", {1, 2, 16}}});
  Node* pb = t.node("Sigmoid", {x}, {{"b", {1, 3, 16}}});
  Node* concat = t.node("Concat", {t.value("a"), t.value("b")}, {{"c", {1, 5, 16}}}, {{"axis", int64_t{1}}});
  t.node("Relu", {t.value("c")}, {{"y", {1, 5, 16}}});
  t.output("y");
  auto plan = t.plan(GraphMemoryOptions{.inputs_live_to_end = false});
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->elided_concats, 1);
  EXPECT_TRUE(plan->skipped_nodes.count(concat));
  EXPECT_FALSE(plan->skipped_nodes.count(pa));
  EXPECT_FALSE(plan->skipped_nodes.count(pb));
  const size_t c = plan->placement.at(t.value("c")).offset;
  EXPECT_EQ(plan->placement.at(t.value("a")).offset, c);
  EXPECT_EQ(plan->placement.at(t.value("b")).offset, c + 2 * 16 * 4);
  EXPECT_LT(plan->arena_bytes, plan->naive_bytes);
  expect_no_live_overlap(t, *plan);

  auto off = t.plan({.concat_elision = false});
  ASSERT_TRUE(off.is_ok());
  EXPECT_EQ(off->elided_concats, 0);
  EXPECT_TRUE(off->skipped_nodes.empty());
}

TEST(GraphMemoryPlanTest, ConcatIsKeptWhenItsInputsCannotBePlacedInside) {
  TestGraph t;
  Value* x = t.input("x", {2, 2, 4});
  Value* w = *t.graph.add_constant("w", Tensor::from_vector<float>(std::vector<float>(16, 1.f), {2, 2, 4}));
  t.node("Relu", {x}, {{"a", {2, 2, 4}}});
  t.node("Relu", {x}, {{"b", {2, 2, 4}}});
  Node* strided = t.node("Concat", {t.value("a"), t.value("b")}, {{"c1", {2, 4, 4}}}, {{"axis", int64_t{1}}});
  Node* with_input = t.node("Concat", {t.value("a"), x}, {{"c2", {4, 2, 4}}}, {{"axis", int64_t{0}}});
  Node* with_weight = t.node("Concat", {t.value("b"), w}, {{"c3", {4, 2, 4}}}, {{"axis", int64_t{0}}});
  Node* twice = t.node("Concat", {t.value("a"), t.value("a")}, {{"c4", {4, 2, 4}}}, {{"axis", int64_t{0}}});
  Node* view_input = t.node("Reshape", {t.value("b"), t.ints("s", {2, 2, 4})}, {{"v", {2, 2, 4}}});
  Node* of_view = t.node("Concat", {t.value("a"), t.value("v")}, {{"c5", {4, 2, 4}}}, {{"axis", int64_t{0}}});
  for (const char* o : {"c1", "c2", "c3", "c4", "c5"}) t.output(o);
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->elided_concats, 0);
  for (const Node* n : {strided, with_input, with_weight, twice, of_view}) EXPECT_FALSE(plan->skipped_nodes.count(n));
  EXPECT_TRUE(plan->skipped_nodes.count(view_input));
  expect_no_live_overlap(t, *plan);
}

TEST(GraphMemoryPlanTest, AValueGoesIntoOneElidedConcatOnly) {
  TestGraph t;
  Value* x = t.input("x", {1, 8});
  t.node("Relu", {x}, {{"a", {1, 8}}});
  t.node("Relu", {x}, {{"b", {1, 8}}});
  Node* first = t.node("Concat", {t.value("a"), t.value("b")}, {{"c1", {2, 8}}}, {{"axis", int64_t{0}}});
  Node* second = t.node("Concat", {t.value("b"), t.value("a")}, {{"c2", {2, 8}}}, {{"axis", int64_t{0}}});
  t.output("c1");
  t.output("c2");
  auto plan = t.plan();
  ASSERT_TRUE(plan.is_ok());
  EXPECT_EQ(plan->elided_concats, 1);
  EXPECT_TRUE(plan->skipped_nodes.count(first));
  EXPECT_FALSE(plan->skipped_nodes.count(second));
  expect_no_live_overlap(t, *plan);
}

TEST(GraphMemoryPlanTest, BadDimsAreErrorsNamingTheValue) {
  TestGraph t;
  Value* x = t.input("x", {1, -4});
  t.node("Relu", {x}, {{"a", {1, 4}}});
  auto plan = t.plan();
  ASSERT_FALSE(plan.is_ok());
  EXPECT_NE(plan.status().message().find("'x'"), std::string::npos) << plan.status().to_string();

  TestGraph s;
  Value* str = s.input("str", {2});
  str->dtype = DType::kString;
  auto p2 = s.plan();
  ASSERT_FALSE(p2.is_ok());
  EXPECT_NE(p2.status().message().find("'str'"), std::string::npos);
}

// Random DAGs of element-wise nodes, views and concats: the checker must always pass.
TEST(GraphMemoryPlanTest, RandomGraphsNeverOverlapLiveValues) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 60; ++trial) {
    TestGraph t;
    std::vector<Value*> pool = {t.input("x", {1, 32})};
    const int n = 5 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      const std::string name = fmt::format("v{}", i);
      Value* a = pool[rng() % pool.size()];
      Value* b = pool[rng() % pool.size()];
      const Dims& da = t.dims.at(a);
      switch (rng() % 4) {
        case 0: t.node("Relu", {a}, {{name, da}}); break;
        case 1: t.node("Reshape", {a, t.ints(name + "_s", {1, da[1]})}, {{name, da}}); break;
        case 2:
          if (a != b && da[1] + t.dims.at(b)[1] <= 512) {
            t.node("Concat", {a, b}, {{name, {1, da[1] + t.dims.at(b)[1]}}}, {{"axis", int64_t{1}}});
            break;
          }
          [[fallthrough]];
        default:
          if (t.dims.at(b) == da) t.node("Add", {a, b}, {{name, da}});
          else t.node("Sigmoid", {a}, {{name, da}});
      }
      pool.push_back(t.value(name));
    }
    t.output(pool.back()->name);
    t.output(pool[pool.size() / 2]->name);
    auto plan = t.plan();
    ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
    expect_no_live_overlap(t, *plan);
    EXPECT_LE(plan->arena_bytes, plan->naive_bytes + 256 * plan->placement.size());
  }
}

// YOLOv8n at batch 1, as an engine builds it: concrete shapes, then (optionally) the optimization
// passes and fp16 precision. Every node whose outputs are not build-time constants runs on the device.
Graph load_yolo(bool optimized_fp16) {
  auto loaded = load_onnx_model(std::string(FOVEA_SOURCE_DIR) + "/models/demo/detector.onnx");
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  if (!loaded.is_ok()) return Graph();
  Graph g = std::move(loaded).value();
  for (Value* in : g.inputs)
    for (Dim& d : *in->shape)
      if (!d.is_known()) d = Dim::known(1);
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;  // shape arithmetic becomes constant, as at engine build
  EXPECT_TRUE(infer_shapes(g, options).is_ok());
  if (optimized_fp16) {
    EXPECT_TRUE(optimize_graph(g).is_ok());
    EXPECT_TRUE(assign_precision(g, Precision::kFp16, {}).is_ok());
  }
  return g;
}

GraphMemoryPlan plan_and_check(const Graph& g, const char* what) {
  auto order = g.topological_order();
  EXPECT_TRUE(order.is_ok());
  std::vector<const Node*> device_order;
  std::map<const Value*, Dims> dims;
  for (Value* in : g.inputs) dims[in] = *dims_from_shape(*in->shape, in->name);
  for (const Node* n : *order) {
    bool runs = false;
    for (const Value* out : n->outputs)
      if (out && !out->is_constant()) {
        auto d = dims_from_shape(*out->shape, out->name);
        EXPECT_TRUE(d.is_ok()) << d.status().to_string();
        if (d.is_ok()) dims[out] = *d;
        runs = true;
      }
    if (runs) device_order.push_back(n);
  }
  auto plan = plan_graph_memory(g, device_order, dims);
  EXPECT_TRUE(plan.is_ok()) << plan.status().to_string();
  if (!plan.is_ok()) return {};
  std::printf("%s: %s\n", what, plan->report().c_str());
  EXPECT_LT(plan->arena_bytes, plan->naive_bytes / 2);
  EXPECT_GT(plan->views + plan->elided_concats, 0);
  EXPECT_GT(expect_no_live_overlap(g, device_order, *plan), 0);
  return std::move(plan).value();
}

TEST(GraphMemoryPlanTest, YoloV8nArchitectureModel) {
  Graph fp32 = load_yolo(false);
  const GraphMemoryPlan a = plan_and_check(fp32, "demo detector batch 1 fp32");
  Graph fp16 = load_yolo(true);
  const GraphMemoryPlan b = plan_and_check(fp16, "demo detector batch 1 optimized fp16");
  EXPECT_LT(b.arena_bytes, a.arena_bytes * 3 / 4);  // half-size activations (fp32 tail and casts aside)
}

}  // namespace
}  // namespace fovea::planner
