// The streaming pipeline with a GPU model: synthetic 1280x720 cameras (buffers page-locked by the
// pipeline) into the demo detector through the pipelined GPU stages. Every frame is accounted
// for, delivered in order per camera, and the start-up report names the frame slots. Skips
// without a GPU.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "gpu_test_env.h"
#include "io/synthetic_camera_source.h"
#include "pipeline/pipeline_runtime.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;

class CollectingSink : public FrameSink {
 public:
  const std::string& name() const override { return name_; }
  Status write(const SinkItem& item) override {
    std::lock_guard lock(mutex_);
    sequences_[item.stream].push_back(item.result.sequence);
    detections_ += item.result.detections.size();
    return Status::ok();
  }
  std::map<std::string, std::vector<int64_t>> sequences() {
    std::lock_guard lock(mutex_);
    return sequences_;
  }
  size_t detections() {
    std::lock_guard lock(mutex_);
    return detections_;
  }

 private:
  std::string name_ = "collect";
  std::mutex mutex_;
  std::map<std::string, std::vector<int64_t>> sequences_;
  size_t detections_ = 0;
};

TEST(PipelineGpu, SyntheticCamerasThroughPipelinedStagesAllAccounted) {
  FOVEA_REQUIRE_GPU();
  constexpr int kCameras = 3, kFrames = 40;
  std::vector<PipelineSourceSpec> sources;
  for (int i = 0; i < kCameras; ++i) {
    io::SyntheticCameraOptions o;
    o.name = "cam_" + std::to_string(i);
    o.width = 1280;
    o.height = 720;
    o.max_frames = kFrames;
    o.stream_index = i;
    o.paced = false;
    auto cam = io::SyntheticCameraSource::create(o);
    ASSERT_TRUE(cam.is_ok()) << cam.status().message();
    sources.push_back({std::move(cam).value(), LaneOptions{4, QueuePolicy::kBlock}});
  }
  VisionModelConfig c;
  c.model_path = gpu_test::model_path("demo/detector.onnx");
  c.device = ComputeDevice::kGpu;
  c.fp16 = true;
  c.max_batch_size = 4;
  c.detection.nms.confidence_threshold = 0.25f;
  auto vm = VisionModel::create(c);
  ASSERT_TRUE(vm.is_ok()) << vm.status().message();
  PipelineModelSpec model;
  model.name = "det";
  model.instances.push_back(std::move(vm).value());
  model.batching.max_batch_size = 4;
  model.batching.max_queue_delay = 2000us;
  std::vector<PipelineModelSpec> models;
  models.push_back(std::move(model));
  auto sink = std::make_unique<CollectingSink>();
  CollectingSink* collected = sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(sink), {}, 8});
  PipelineOptions options;
  options.use_nvml = false;
  auto p = Pipeline::create(std::move(sources), std::move(models), std::move(sinks), options);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  const std::string report = (*p)->memory_report();
  EXPECT_NE(report.find("GPU frame slots"), std::string::npos) << report;
  EXPECT_NE(report.find("page-locked for direct DMA: 3 of 3"), std::string::npos) << report;
  ASSERT_TRUE((*p)->start().is_ok());
  ASSERT_TRUE((*p)->wait_for(120s));
  (*p)->wait();
  EXPECT_TRUE((*p)->accounting().check_balanced().is_ok());
  const auto seqs = collected->sequences();
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kCameras));
  for (const auto& [stream, v] : seqs) {
    ASSERT_EQ(v.size(), static_cast<size_t>(kFrames)) << stream;
    for (int i = 0; i < kFrames; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], i) << stream;
  }
  // The synthetic shapes are not the detector's classes; only that it ran is checked here.
  std::printf("%zu detections on %d synthetic frames; %s\n", collected->detections(), kCameras * kFrames,
              report.c_str());
  const MetricsSnapshot snap = (*p)->snapshot();
  EXPECT_EQ(snap.models.size(), 1u);
}

}  // namespace
}  // namespace fovea::pipeline
