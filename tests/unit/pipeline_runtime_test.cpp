// The pipeline end to end with fake models, sources and sinks: accounting, order, backpressure,
// several models, failures, deadlines, shutdown.
#include <gtest/gtest.h>

#include <map>

#include "pipeline/pipeline_runtime.h"
#include "pipeline_test_fakes.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::CountingSource;
using testing::FakeVisionModel;
using testing::RecordingSink;

PipelineOptions quiet_options() {
  PipelineOptions o;
  o.use_nvml = false;
  o.monitor_interval = 50ms;
  return o;
}

PipelineModelSpec fake_model(const std::string& name, int max_batch, std::chrono::microseconds per_batch,
                             std::chrono::microseconds delay, std::vector<size_t> sources = {},
                             std::shared_ptr<FakeVisionModel::Log> log = nullptr) {
  PipelineModelSpec m;
  m.name = name;
  m.instances.push_back(std::make_unique<FakeVisionModel>(max_batch, per_batch, log));
  m.sources = std::move(sources);
  m.batching.max_batch_size = max_batch;
  m.batching.max_queue_delay = delay;
  return m;
}

PipelineSourceSpec counting(const std::string& name, int64_t count, std::chrono::microseconds interval, QueuePolicy policy,
                            size_t depth, std::set<int64_t> bad = {}) {
  return {std::make_unique<CountingSource>(name, count, interval, policy == QueuePolicy::kKeepLatest, std::move(bad)),
          LaneOptions{depth, policy}};
}

std::unique_ptr<Pipeline> make_pipeline(std::vector<PipelineSourceSpec> sources, std::vector<PipelineModelSpec> models,
                                        std::vector<PipelineSinkSpec> sinks, PipelineOptions options = quiet_options()) {
  auto p = Pipeline::create(std::move(sources), std::move(models), std::move(sinks), std::move(options));
  EXPECT_TRUE(p.is_ok()) << p.status().to_string();
  return p.is_ok() ? std::move(p).value() : nullptr;
}

// Sequences the sink saw per (model, stream), in arrival order.
std::map<std::pair<std::string, std::string>, std::vector<int64_t>> by_stream(const std::vector<RecordingSink::Record>& r) {
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> out;
  for (const auto& rec : r) out[{rec.model, rec.stream}].push_back(rec.sequence);
  return out;
}

bool strictly_increasing(const std::vector<int64_t>& v) {
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] <= v[i - 1]) return false;
  return true;
}

TEST(PipelineRuntime, EveryFrameAccountedForAndInOrderPerSource) {
  // Three sources, a few corrupt frames, a model with two instances of different speeds (so
  // batches finish out of order), batching across sources.
  std::vector<PipelineSourceSpec> sources;
  sources.push_back(counting("cam_a", 40, 0us, QueuePolicy::kBlock, 4, {3, 17}));
  sources.push_back(counting("cam_b", 40, 100us, QueuePolicy::kBlock, 4));
  sources.push_back(counting("cam_c", 25, 0us, QueuePolicy::kBlock, 2, {0}));
  PipelineModelSpec model = fake_model("det", 4, 1000us, 2000us);
  model.instances.push_back(std::make_unique<FakeVisionModel>(4, 7000us));
  std::vector<PipelineModelSpec> models;
  models.push_back(std::move(model));
  auto sink = std::make_unique<RecordingSink>("rec");
  RecordingSink* rec = sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(sink), {}, 8});
  auto p = make_pipeline(std::move(sources), std::move(models), std::move(sinks));
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->start().is_ok());
  ASSERT_TRUE(p->wait_for(30s)) << "finite sources must end the run";
  p->wait();

  const FrameAccounting& acc = p->accounting();
  EXPECT_TRUE(acc.check_balanced().is_ok()) << acc.check_balanced().to_string();
  EXPECT_EQ(acc.source_counts(0).decode_errors, 2u);
  EXPECT_EQ(acc.source_counts(2).decode_errors, 1u);
  EXPECT_EQ(acc.lane_counts(0).processed, 38u);
  EXPECT_EQ(acc.lane_counts(1).processed, 40u);
  EXPECT_EQ(acc.lane_counts(2).processed, 24u);
  for (size_t lane = 0; lane < 3; ++lane) EXPECT_EQ(acc.lane_counts(lane).dropped_total(), 0u) << "block policy drops nothing";

  const auto streams = by_stream(rec->records());
  ASSERT_EQ(streams.size(), 3u);
  for (const auto& [key, seqs] : streams) {
    EXPECT_TRUE(strictly_increasing(seqs)) << key.second << ": results out of order";
    // Sequences are assigned to frames that entered: 0..n-1 with none missing.
    for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<int64_t>(i)) << key.second;
  }
  EXPECT_EQ(streams.at({"det", "cam_a"}).size(), 38u);
  EXPECT_TRUE(rec->closed());
  const MetricsSnapshot snap = p->snapshot();
  uint64_t batched = 0;
  for (size_t b = 1; b < snap.models[0].batch_size_counts.size(); ++b) batched += b * snap.models[0].batch_size_counts[b];
  EXPECT_EQ(batched, 102u);
  EXPECT_EQ(snap.models[0].inference_count, 102u);
}

TEST(PipelineRuntime, KeepLatestDropsUnderASlowSinkBlockDoesNot) {
  auto run = [](QueuePolicy policy) {
    std::vector<PipelineSourceSpec> sources;
    sources.push_back(counting("cam", 40, 1000us, policy, 2));
    std::vector<PipelineModelSpec> models;
    models.push_back(fake_model("det", 1, 0us, 0us));
    auto sink = std::make_unique<RecordingSink>("slow", 6000us);
    RecordingSink* rec = sink.get();
    std::vector<PipelineSinkSpec> sinks;
    sinks.push_back({std::move(sink), {}, 2});
    auto p = make_pipeline(std::move(sources), std::move(models), std::move(sinks));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(p->start().is_ok());
    EXPECT_TRUE(p->wait_for(30s));
    p->wait();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return std::make_tuple(p->accounting().lane_counts(0), by_stream(rec->records())[{"det", "cam"}], ms);
  };

  const auto [latest, latest_seqs, latest_ms] = run(QueuePolicy::kKeepLatest);
  EXPECT_EQ(latest.entered, 40u);
  EXPECT_GT(latest.dropped[static_cast<size_t>(DropReason::kQueueFull)], 0u) << "a slow sink must make keep_latest drop";
  EXPECT_EQ(latest.processed + latest.dropped_total(), 40u);
  EXPECT_EQ(latest_seqs.size(), latest.processed);
  EXPECT_TRUE(strictly_increasing(latest_seqs));
  EXPECT_EQ(latest_seqs.back(), 39) << "keep_latest keeps the newest frame";

  const auto [block, block_seqs, block_ms] = run(QueuePolicy::kBlock);
  EXPECT_EQ(block.processed, 40u);
  EXPECT_EQ(block.dropped_total(), 0u);
  EXPECT_EQ(block_seqs.size(), 40u);
  EXPECT_GE(block_ms, 40 * 6.0) << "block slows the source to the sink's pace";
}

TEST(PipelineRuntime, SeveralModelsOnOneSourceAndOneOnAnother) {
  auto det_log = std::make_shared<FakeVisionModel::Log>();
  auto seg_log = std::make_shared<FakeVisionModel::Log>();
  std::vector<PipelineSourceSpec> sources;
  sources.push_back(counting("front", 30, 200us, QueuePolicy::kBlock, 4));
  sources.push_back(counting("rear", 20, 0us, QueuePolicy::kBlock, 4));
  std::vector<PipelineModelSpec> models;
  models.push_back(fake_model("det", 4, 2000us, 1000us, {0, 1}, det_log));
  models.push_back(fake_model("seg", 2, 3000us, 0us, {0}, seg_log));
  auto det_sink = std::make_unique<RecordingSink>("det_out");
  auto seg_sink = std::make_unique<RecordingSink>("seg_out");
  auto all_sink = std::make_unique<RecordingSink>("all_out");
  RecordingSink *det_rec = det_sink.get(), *seg_rec = seg_sink.get(), *all_rec = all_sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(det_sink), {0}, 4});
  sinks.push_back({std::move(seg_sink), {1}, 4});
  sinks.push_back({std::move(all_sink), {}, 4});
  auto p = make_pipeline(std::move(sources), std::move(models), std::move(sinks));
  ASSERT_TRUE(p->start().is_ok());
  ASSERT_TRUE(p->wait_for(30s));
  p->wait();
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  EXPECT_EQ(p->accounting().lane_count(), 3u);

  const auto det = by_stream(det_rec->records());
  const auto seg = by_stream(seg_rec->records());
  EXPECT_EQ(det.at({"det", "front"}).size(), 30u);
  EXPECT_EQ(det.at({"det", "rear"}).size(), 20u);
  EXPECT_EQ(seg.size(), 1u) << "seg reads only the front camera";
  EXPECT_EQ(seg.at({"seg", "front"}).size(), 30u);
  EXPECT_EQ(all_rec->records().size(), 80u);
  for (const auto& [k, v] : det) EXPECT_TRUE(strictly_increasing(v));
  // The same frame went to both models: the pixel (the source's own index) matches the sequence.
  for (const auto& r : seg_rec->records()) EXPECT_EQ(r.pixel, r.sequence);
  for (int b : seg_log->batch_sizes) EXPECT_LE(b, 2);
  for (int b : det_log->batch_sizes) EXPECT_LE(b, 4);
}

TEST(PipelineRuntime, ModelErrorsCostOnlyTheBadFrames) {
  std::vector<PipelineSourceSpec> sources;
  sources.push_back(counting("cam", 24, 0us, QueuePolicy::kBlock, 8));
  PipelineModelSpec m;
  m.name = "det";
  m.instances.push_back(std::make_unique<FakeVisionModel>(4, 500us, nullptr, std::set<int64_t>{5, 17}));
  m.batching.max_batch_size = 4;
  m.batching.max_queue_delay = 5000us;
  std::vector<PipelineModelSpec> models;
  models.push_back(std::move(m));
  auto sink = std::make_unique<RecordingSink>("rec");
  RecordingSink* rec = sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(sink), {}, 8});
  auto p = make_pipeline(std::move(sources), std::move(models), std::move(sinks));
  ASSERT_TRUE(p->start().is_ok());
  ASSERT_TRUE(p->wait_for(30s));
  p->wait();
  const LaneCounts c = p->accounting().lane_counts(0);
  EXPECT_EQ(c.dropped[static_cast<size_t>(DropReason::kModelError)], 2u);
  EXPECT_EQ(c.processed, 22u);
  const auto seqs = by_stream(rec->records())[{"det", "cam"}];
  EXPECT_TRUE(strictly_increasing(seqs));
  EXPECT_EQ(std::count(seqs.begin(), seqs.end(), 5), 0);
  EXPECT_EQ(std::count(seqs.begin(), seqs.end(), 6), 1) << "the batch-mates of a bad frame are retried alone";
  EXPECT_EQ(p->snapshot().models[0].request_failures, 2u);
}

TEST(PipelineRuntime, LateFramesAreDroppedWithDeadlineReasonAndMissesCounted) {
  std::vector<PipelineSourceSpec> sources;
  sources.push_back(counting("cam", 12, 0us, QueuePolicy::kBlock, 12));
  std::vector<PipelineModelSpec> models;
  models.push_back(fake_model("det", 1, 15000us, 0us));
  PipelineOptions o = quiet_options();
  o.deadline_ms = 10;
  o.drop_late_frames = true;
  auto p = make_pipeline(std::move(sources), std::move(models), {}, o);
  ASSERT_TRUE(p->start().is_ok());
  ASSERT_TRUE(p->wait_for(30s));
  p->wait();
  const LaneCounts c = p->accounting().lane_counts(0);
  EXPECT_GT(c.dropped[static_cast<size_t>(DropReason::kDeadline)], 0u);
  EXPECT_GE(c.processed, 1u);
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  // Every processed frame took at least the 15 ms model time: all are deadline misses.
  EXPECT_EQ(p->snapshot().models[0].deadline_misses, c.processed);
}

TEST(PipelineRuntime, AbortCountsQueuedFramesAsShutdownStopDrains) {
  for (bool drain : {false, true}) {
    std::vector<PipelineSourceSpec> sources;
    sources.push_back(counting("cam", 1'000'000, 0us, QueuePolicy::kBlock, 8));
    std::vector<PipelineModelSpec> models;
    models.push_back(fake_model("det", 2, 10000us, 0us));
    auto p = make_pipeline(std::move(sources), std::move(models), {});
    ASSERT_TRUE(p->start().is_ok());
    std::this_thread::sleep_for(60ms);
    if (drain) p->request_stop();
    else p->abort();
    ASSERT_TRUE(p->wait_for(10s));
    p->wait();
    const LaneCounts c = p->accounting().lane_counts(0);
    EXPECT_TRUE(p->accounting().check_balanced().is_ok()) << p->accounting().check_balanced().to_string();
    if (drain) {
      EXPECT_EQ(c.dropped_total(), 0u) << "request_stop processes everything queued";
      EXPECT_EQ(c.processed, c.entered);
    } else {
      EXPECT_GT(c.dropped[static_cast<size_t>(DropReason::kShutdown)], 0u);
    }
  }
}

TEST(PipelineRuntime, CreateRejectsBadWiring) {
  auto models_with = [](int batching_max, int instance_max) {
    std::vector<PipelineModelSpec> models;
    PipelineModelSpec m;
    m.name = "det";
    m.instances.push_back(std::make_unique<FakeVisionModel>(instance_max, 0us));
    m.batching.max_batch_size = batching_max;
    models.push_back(std::move(m));
    return models;
  };
  std::vector<PipelineSourceSpec> one;
  one.push_back(counting("cam", 1, 0us, QueuePolicy::kBlock, 1));
  auto too_big = Pipeline::create(std::move(one), models_with(8, 4), {}, quiet_options());
  ASSERT_FALSE(too_big.is_ok());
  EXPECT_NE(too_big.status().message().find("model 'det'"), std::string::npos) << too_big.status().message();

  std::vector<PipelineSourceSpec> twins;
  twins.push_back(counting("cam", 1, 0us, QueuePolicy::kBlock, 1));
  twins.push_back(counting("cam", 1, 0us, QueuePolicy::kBlock, 1));
  auto dup = Pipeline::create(std::move(twins), models_with(1, 1), {}, quiet_options());
  ASSERT_FALSE(dup.is_ok());
  EXPECT_NE(dup.status().message().find("'cam'"), std::string::npos);
}

TEST(PipelineRuntime, MemoryBoundCountsQueueSlotsAndBatches) {
  std::vector<PipelineSourceSpec> sources;
  sources.push_back(counting("cam", 1, 0us, QueuePolicy::kBlock, 5));
  std::vector<PipelineModelSpec> models;
  models.push_back(fake_model("det", 4, 0us, 0us));
  auto p = make_pipeline(std::move(sources), std::move(models), {});
  // 1 being produced + 5 queued + 2 x (1 instance x batch 4), 144 bytes each.
  EXPECT_EQ(p->host_frame_bytes_bound(), (1u + 5u + 8u) * 144u);
  EXPECT_NE(p->memory_report().find("host frame memory bound"), std::string::npos);

  // Batches and sink queues are shared by the sources, not counted once per source.
  std::vector<PipelineSourceSpec> three;
  for (const char* name : {"a", "b", "c"}) three.push_back(counting(name, 1, 0us, QueuePolicy::kBlock, 5));
  std::vector<PipelineModelSpec> one_model;
  one_model.push_back(fake_model("det", 4, 0us, 0us));
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::make_unique<RecordingSink>("rec"), {}, 3});
  auto shared = make_pipeline(std::move(three), std::move(one_model), std::move(sinks));
  // 3 x (1 + 5) per source + 2 x 4 in batches + 3 in the sink queue.
  EXPECT_EQ(shared->host_frame_bytes_bound(), (3u * 6u + 8u + 3u) * 144u);
  EXPECT_NE(shared->memory_report().find("8 frames in model batches, 3 in sink queues"), std::string::npos)
      << shared->memory_report();
}

}  // namespace
}  // namespace fovea::pipeline
