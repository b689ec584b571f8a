// Chained models in the running pipeline (fake models): detector -> classifier on the detected
// crops. Every frame's crops join back to that frame, in per-source order, with several sources
// and a slow two-instance classifier; frames without crops are delivered; a failing crop leaves
// its detection unclassified; abort, drain and deadlines keep the accounting balanced.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "pipeline/metrics_report.h"
#include "pipeline/pipeline_runtime.h"
#include "pipeline_chain_fakes.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::FakeClassifier;
using testing::FakeDetector;
using testing::KeepingSink;
using testing::SceneSource;

// Frame n has n % 4 boxes (so every 4th has none); box i: x from 10 + 40 i + n % 5, 20 + i wide,
// y 10..60, score 0.9 - 0.1 i, class i.
std::vector<vision::Detection> boxes_of(const std::string&, int64_t n) {
  std::vector<vision::Detection> out;
  for (int i = 0; i < static_cast<int>(n % 4); ++i) {
    vision::Detection d;
    d.x1 = static_cast<float>(10 + 40 * i + n % 5);
    d.x2 = d.x1 + static_cast<float>(20 + i);
    d.y1 = 10;
    d.y2 = 60;
    d.score = 0.9f - 0.1f * static_cast<float>(i);
    d.class_id = i;
    out.push_back(d);
  }
  return out;
}

PipelineOptions quiet_options() {
  PipelineOptions o;
  o.use_nvml = false;
  o.monitor_interval = 50ms;
  return o;
}

struct ChainSetup {
  std::vector<PipelineSourceSpec> sources;
  std::vector<PipelineModelSpec> models;
  KeepingSink* sink = nullptr;
  std::shared_ptr<FakeClassifier::Log> log = std::make_shared<FakeClassifier::Log>();
};

// `streams` sources of `frames` frames each -> "det" (batch 4) -> "cls" (crops_from det, batch 8,
// one instance per entry of `classifier_ms`) -> one keeping sink for both.
ChainSetup chain_setup(int streams, int64_t frames, std::vector<int> classifier_ms, std::set<int> fail_x = {},
                       std::chrono::microseconds source_interval = 0us) {
  ChainSetup s;
  for (int i = 0; i < streams; ++i)
    s.sources.push_back({std::make_unique<SceneSource>("cam_" + std::to_string(i), frames, source_interval),
                         LaneOptions{4, QueuePolicy::kBlock}});
  PipelineModelSpec det;
  det.name = "det";
  det.instances.push_back(std::make_unique<FakeDetector>(4, 1000us, boxes_of));
  det.batching.max_batch_size = 4;
  det.batching.max_queue_delay = 1000us;
  s.models.push_back(std::move(det));
  PipelineModelSpec cls;
  cls.name = "cls";
  for (int ms : classifier_ms)
    cls.instances.push_back(std::make_unique<FakeClassifier>(8, std::chrono::milliseconds(ms), s.log, fail_x));
  cls.batching.max_batch_size = 8;
  cls.batching.max_queue_delay = 2000us;
  cls.crops_from = 0;
  s.models.push_back(std::move(cls));
  return s;
}

std::unique_ptr<Pipeline> make(ChainSetup& s, PipelineOptions options = quiet_options()) {
  auto sink = std::make_unique<KeepingSink>("keep");
  s.sink = sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(sink), {}, 4});
  auto p = Pipeline::create(std::move(s.sources), std::move(s.models), std::move(sinks), std::move(options));
  EXPECT_TRUE(p.is_ok()) << p.status().to_string();
  return p.is_ok() ? std::move(p).value() : nullptr;
}

void run_to_end(Pipeline& p) {
  ASSERT_TRUE(p.start().is_ok());
  ASSERT_TRUE(p.wait_for(60s)) << "finite sources must end the run";
  p.wait();
}

TEST(PipelineChain, CropsJoinBackToTheirFramesInOrderPerSource) {
  ChainSetup s = chain_setup(3, 30, {2, 7});  // two classifier instances of different speeds
  auto p = make(s);
  ASSERT_TRUE(p);
  run_to_end(*p);
  EXPECT_TRUE(p->accounting().check_balanced().is_ok()) << p->accounting().check_balanced().to_string();

  for (int i = 0; i < 3; ++i) {
    const std::string stream = "cam_" + std::to_string(i);
    const auto items = s.sink->items_of("cls", stream);
    ASSERT_EQ(items.size(), 30u) << stream << ": one result per frame, frames without boxes included";
    for (size_t n = 0; n < items.size(); ++n) {
      const auto& item = items[n];
      ASSERT_EQ(item.result.sequence, static_cast<int64_t>(n)) << stream << ": out of order";
      EXPECT_EQ(item.pixel, static_cast<int64_t>(n)) << "the joined result carries its own frame";
      EXPECT_TRUE(item.chained);
      EXPECT_EQ(item.crops_from, "det");
      const auto expected = boxes_of(stream, static_cast<int64_t>(n));
      ASSERT_EQ(item.result.detections.size(), expected.size());
      ASSERT_EQ(item.result.detection_classes.size(), expected.size());
      for (size_t k = 0; k < expected.size(); ++k) {
        EXPECT_EQ(item.result.detections[k].x1, expected[k].x1);
        ASSERT_EQ(item.result.detection_classes[k].size(), 1u);
        // The fake classifier's class is the crop's x, its score the crop's width / 1000.
        EXPECT_EQ(item.result.detection_classes[k][0].class_id, static_cast<int>(expected[k].x1)) << stream << " frame " << n;
        EXPECT_FLOAT_EQ(item.result.detection_classes[k][0].score, static_cast<float>(20 + k) / 1000.0f);
      }
    }
    EXPECT_EQ(s.sink->items_of("det", stream).size(), 30u) << "the detector's own results still reach the sink";
  }
  // 3 sources x sum(n % 4 for n < 30) = 3 x 43 crops.
  const MetricsSnapshot snap = p->snapshot();
  ASSERT_EQ(snap.models.size(), 2u);
  const ModelMetrics& cls = snap.models[1];
  EXPECT_EQ(cls.crops_from, "det");
  EXPECT_EQ(cls.crops.in, 129u);
  EXPECT_EQ(cls.crops.classified, 129u);
  EXPECT_EQ(cls.inference_count, 129u);
  EXPECT_EQ(cls.stages[static_cast<size_t>(Stage::kEndToEnd)].count, 90u) << "end to end counts frames, not crops";
  EXPECT_TRUE(snap.models[0].crops_from.empty());
  // Batched across frames and sources: a frame has at most 3 crops.
  std::lock_guard lock(s.log->mutex);
  EXPECT_EQ(s.log->crops.size(), 129u);
  int largest = 0;
  bool mixed_sources = false;
  size_t at = 0;
  for (int b : s.log->batch_sizes) {
    largest = std::max(largest, b);
    for (int k = 1; k < b; ++k) mixed_sources = mixed_sources || s.log->crops[at + k].source != s.log->crops[at].source;
    at += static_cast<size_t>(b);
  }
  EXPECT_GT(largest, 3) << "crops of several frames share a batch";
  EXPECT_TRUE(mixed_sources) << "crops of several sources share a batch";
}

TEST(PipelineChain, AFailingCropLeavesItsDetectionUnclassified) {
  // Box 1 of frames with n % 5 == 2 starts at x 52: those crops fail (their batch fails, the retry
  // frame by frame isolates them).
  ChainSetup s = chain_setup(2, 20, {1}, {52});
  auto p = make(s);
  ASSERT_TRUE(p);
  run_to_end(*p);
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  uint64_t failed = 0;
  for (const std::string stream : {"cam_0", "cam_1"}) {
    const auto items = s.sink->items_of("cls", stream);
    ASSERT_EQ(items.size(), 20u) << "a failed crop does not cost its frame";
    for (const auto& item : items) {
      const auto expected = boxes_of(stream, item.result.sequence);
      ASSERT_EQ(item.result.detection_classes.size(), expected.size());
      for (size_t k = 0; k < expected.size(); ++k) {
        const bool fails = static_cast<int>(expected[k].x1) == 52;
        EXPECT_EQ(item.result.detection_classes[k].empty(), fails) << stream << " frame " << item.result.sequence;
        failed += fails;
      }
    }
  }
  ASSERT_GT(failed, 0u);
  const MetricsSnapshot snap = p->snapshot();
  const ModelMetrics& cls = snap.models[1];
  EXPECT_EQ(cls.crops.dropped[static_cast<size_t>(DropReason::kModelError)], failed);
  EXPECT_EQ(cls.crops.in, cls.crops.classified + failed);
  EXPECT_EQ(cls.request_failures, failed);
  for (const LaneMetrics& l : snap.lanes) EXPECT_EQ(l.counts.dropped_total(), 0u) << l.model << " <- " << l.source;
}

TEST(PipelineChain, AbortMidRunDropsChainedWorkAndBalances) {
  ChainSetup s = chain_setup(2, -1, {6});  // endless sources, a slow classifier
  auto p = make(s);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->start().is_ok());
  std::this_thread::sleep_for(200ms);
  p->abort();
  ASSERT_TRUE(p->wait_for(20s)) << "abort must not hang on chained work";
  p->wait();
  EXPECT_TRUE(p->accounting().check_balanced().is_ok()) << p->accounting().check_balanced().to_string();
  const MetricsSnapshot snap = p->snapshot();
  const ModelMetrics& cls = snap.models[1];
  uint64_t crop_drops = 0;
  for (uint64_t d : cls.crops.dropped) crop_drops += d;
  EXPECT_EQ(cls.crops.in, cls.crops.classified + crop_drops);
  EXPECT_GT(cls.crops.dropped[static_cast<size_t>(DropReason::kShutdown)], 0u) << "crops were queued at the abort";
  uint64_t cls_shutdown = 0, cls_processed = 0;
  for (const LaneMetrics& l : snap.lanes)
    if (l.model == "cls") {
      cls_shutdown += l.counts.dropped[static_cast<size_t>(DropReason::kShutdown)];
      cls_processed += l.counts.processed;
    }
  EXPECT_GT(cls_shutdown, 0u);
  EXPECT_GT(cls_processed, 0u);
  // What was delivered is still whole and in order.
  for (const std::string stream : {"cam_0", "cam_1"}) {
    const auto items = s.sink->items_of("cls", stream);
    for (size_t i = 1; i < items.size(); ++i) EXPECT_GT(items[i].result.sequence, items[i - 1].result.sequence);
    for (const auto& item : items)
      for (const auto& classes : item.result.detection_classes) EXPECT_EQ(classes.size(), 1u);
  }
}

TEST(PipelineChain, RequestStopDrainsChainedWork) {
  ChainSetup s = chain_setup(2, -1, {3});
  auto p = make(s);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->start().is_ok());
  std::this_thread::sleep_for(150ms);
  p->request_stop();
  ASSERT_TRUE(p->wait_for(20s));
  p->wait();
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  const MetricsSnapshot snap = p->snapshot();
  for (const LaneMetrics& l : snap.lanes) EXPECT_EQ(l.counts.dropped_total(), 0u) << "drain drops nothing: " << l.model;
  EXPECT_EQ(snap.models[1].crops.in, snap.models[1].crops.classified);
  for (const std::string stream : {"cam_0", "cam_1"})
    EXPECT_EQ(s.sink->items_of("cls", stream).size(), s.sink->items_of("det", stream).size()) << stream;
}

TEST(PipelineChain, LateCropsDropTheirFrameAsDeadline) {
  // A 25 ms classifier against a 10 ms deadline with drop_late_frames: crops taken after their
  // frame's deadline are dropped, and so is the frame; frames without crops are still delivered.
  ChainSetup s = chain_setup(1, 16, {25});
  PipelineOptions o = quiet_options();
  o.deadline_ms = 10;
  o.drop_late_frames = true;
  auto p = make(s, o);
  ASSERT_TRUE(p);
  run_to_end(*p);
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  const MetricsSnapshot snap = p->snapshot();
  const ModelMetrics& cls = snap.models[1];
  EXPECT_GT(cls.crops.dropped[static_cast<size_t>(DropReason::kDeadline)], 0u);
  const LaneMetrics* lane = nullptr;
  for (const LaneMetrics& l : snap.lanes)
    if (l.model == "cls") lane = &l;
  ASSERT_NE(lane, nullptr);
  EXPECT_GT(lane->counts.dropped[static_cast<size_t>(DropReason::kDeadline)], 0u);
  const auto items = s.sink->items_of("cls", "cam_0");
  EXPECT_EQ(items.size(), lane->counts.processed);
  for (const auto& item : items)
    for (const auto& classes : item.result.detection_classes) EXPECT_EQ(classes.size(), 1u) << "delivered frames are whole";
}

TEST(PipelineChain, TwoClassifiersReadOneDetector) {
  ChainSetup s = chain_setup(2, 20, {1});
  PipelineModelSpec second;
  second.name = "cls_class1";
  second.instances.push_back(std::make_unique<FakeClassifier>(4, 1000us));
  second.batching.max_batch_size = 4;
  second.crops_from = 0;
  second.crops.class_ids = {1};
  second.crops.padding = 10;  // clipped to the 200 x 100 image
  s.models.push_back(std::move(second));
  auto p = make(s);
  ASSERT_TRUE(p);
  run_to_end(*p);
  EXPECT_TRUE(p->accounting().check_balanced().is_ok());
  for (const std::string stream : {"cam_0", "cam_1"}) {
    EXPECT_EQ(s.sink->items_of("cls", stream).size(), 20u);
    const auto items = s.sink->items_of("cls_class1", stream);
    ASSERT_EQ(items.size(), 20u);
    for (size_t n = 0; n < items.size(); ++n) {
      EXPECT_EQ(items[n].result.sequence, static_cast<int64_t>(n));
      ASSERT_EQ(items[n].result.detections.size(), n % 4 >= 2 ? 1u : 0u);
      if (items[n].result.detections.empty()) continue;
      EXPECT_EQ(items[n].result.detections[0].class_id, 1);
      // 21 px x 50 px box padded by 10x its size per side: the whole image.
      EXPECT_EQ(items[n].result.detection_classes[0].at(0).class_id, 0);
      EXPECT_FLOAT_EQ(items[n].result.detection_classes[0].at(0).score, 0.2f);
    }
  }
}

TEST(PipelineChain, MetricsOutputsCarryTheCrops) {
  ChainSetup s = chain_setup(1, 8, {1});
  auto p = make(s);
  ASSERT_TRUE(p);
  run_to_end(*p);
  const MetricsSnapshot snap = p->snapshot();
  const std::string prom = render_prometheus(snap);
  // sum(n % 4 for n < 8) = 12 crops.
  EXPECT_NE(prom.find("fovea_chain_crops_total{model=\"cls\",upstream=\"det\"} 12\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("fovea_chain_crops_classified_total{model=\"cls\"} 12\n"), std::string::npos);
  EXPECT_NE(prom.find("fovea_chain_crops_dropped_total{model=\"cls\",reason=\"model_error\"} 0\n"), std::string::npos);
  EXPECT_NE(prom.find("fovea_inference_count_total{model=\"cls\"} 12\n"), std::string::npos);
  EXPECT_EQ(prom.find("fovea_chain_crops_total{model=\"det\""), std::string::npos);
  const nlohmann::json summary = nlohmann::json::parse(render_summary_json(snap));
  EXPECT_FALSE(summary["models"][0].contains("crops"));
  EXPECT_EQ(summary["models"][1]["crops"]["from"], "det");
  EXPECT_EQ(summary["models"][1]["crops"]["in"], 12);
  EXPECT_EQ(summary["models"][1]["crops"]["classified"], 12);
  EXPECT_NE(format_console_line(snap).find("crops 12"), std::string::npos) << format_console_line(snap);
}

TEST(PipelineChain, WiringErrorsNameTheModel) {
  auto try_create = [](auto&& edit) {
    ChainSetup s = chain_setup(1, 1, {1});
    edit(s);
    std::vector<PipelineSinkSpec> sinks;
    auto p = Pipeline::create(std::move(s.sources), std::move(s.models), std::move(sinks), quiet_options());
    return p.is_ok() ? std::string() : p.status().message();
  };
  EXPECT_EQ(try_create([](ChainSetup&) {}), "");
  EXPECT_NE(try_create([](ChainSetup& s) { s.models[1].sources = {0}; }).find("model 'cls': reads crops of 'det', so it takes no sources"),
            std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) { s.models[1].crops_from = 1; }).find("cannot read its own crops"), std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) { s.models[1].crops_from = 5; }).find("out of range"), std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) {
              s.models[0].crops_from = 1;
            }).find("reads crops itself"),
            std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) {
              s.models[1].instances[0] = std::make_unique<FakeDetector>(8, 0us, boxes_of);
            }).find("model 'cls': reads crops, so it must be a classifier (its decoder is yolov8)"),
            std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) {
              s.models[0].instances[0] = std::make_unique<FakeClassifier>(4, 0us);
            }).find("'det' is not a detector (its decoder is classification)"),
            std::string::npos);
  EXPECT_NE(try_create([](ChainSetup& s) { s.models[1].crops.max_crops = 0; }).find("max crops per frame 0"), std::string::npos);
}

}  // namespace
}  // namespace fovea::pipeline
