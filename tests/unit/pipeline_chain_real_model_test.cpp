// A real chain on the CPU: the demo detector on two sample scenes -> MobileNetV3-Small on the
// detected crops. The classifier must get exactly the crops the detector's delivered detections
// imply (roi = the padded box, computed here independently), and each frame's joined classes
// must be what the classifier gives the crop's pixels copied out into an image of their own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "../sample_scene_frame.h"
#include "pipeline/pipeline_runtime.h"
#include "pipeline_chain_fakes.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;

const std::string kModels = std::string(FOVEA_SOURCE_DIR) + "/models";
constexpr int kWidth = 640, kHeight = 360;

uint64_t pixel_sum(const vision::ImageView& image, const vision::CropRoi& roi) {
  uint64_t sum = 0;
  for (int y = roi.y; y < roi.y + roi.height; ++y)
    for (int x = 3 * roi.x; x < 3 * (roi.x + roi.width); ++x) sum += image.data[static_cast<size_t>(y) * image.step + x];
  return sum;
}

// Forwards to a real model and records every frame it runs (source, sequence, roi).
class RecordingModel : public VisionModel {
 public:
  struct Seen {
    int64_t sequence;
    vision::CropRoi roi;
    uint64_t pixel_sum = 0;  // of the roi's bytes in the frame the model was given
  };
  explicit RecordingModel(std::unique_ptr<VisionModel> inner) : inner_(std::move(inner)) {}
  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    {
      std::lock_guard lock(mutex_);
      for (const Frame& f : frames) {
        const vision::CropRoi roi = f.roi.value_or(vision::CropRoi{0, 0, f.image.width, f.image.height});
        seen_.push_back({f.sequence, roi, pixel_sum(f.image, roi)});
      }
    }
    return inner_->run(frames, times);
  }
  const VisionModelConfig& config() const override { return inner_->config(); }
  const std::vector<std::string>& labels() const override { return inner_->labels(); }
  std::string description() const override { return inner_->description(); }
  Status check_frame(const Frame& frame) const override { return inner_->check_frame(frame); }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::unique_ptr<VisionModel> inner_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

// Sample scenes 1 and 2 (test::sample_scene_frame), one frame each.
class SampleScenes : public FrameSource {
 public:
  const std::string& name() const override { return name_; }
  Result<std::optional<SourceFrame>> next() override {
    if (next_ >= 2) return std::optional<SourceFrame>();
    auto owned = std::make_shared<test::OwnedFrame>(test::sample_scene_frame(kWidth, kHeight, 1 + next_++, name_, 0));
    SourceFrame f;
    f.frame = owned->frame;
    f.pixels = owned;
    return std::optional<SourceFrame>(std::move(f));
  }
  int64_t frame_count() const override { return 2; }
  bool live() const override { return false; }

 private:
  std::string name_ = "scenes";
  int next_ = 0;
};

std::unique_ptr<VisionModel> create_model(const std::string& file, const std::string& labels, int max_batch) {
  VisionModelConfig c;
  c.model_path = kModels + "/" + file;
  c.labels_path = labels.empty() ? "" : kModels + "/" + labels;
  c.max_batch_size = max_batch;
  // All 1000 logits, not the top 5 of a softmax: with random weights the classifier's output
  // hardly depends on its input (logits of different crops agree to ~1e-8), so the class check
  // below holds the plumbing only; the crops' pixel sums tie each crop to its frame.
  c.classification.top_k = 1000;
  c.classification.inputs_are_probabilities = true;
  auto m = VisionModel::create(c);
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return m.is_ok() ? std::move(m).value() : nullptr;
}

struct Expected {
  vision::Detection detection;
  vision::CropRoi roi;
};

// The selection rule of docs/pipeline.md, written out: score >= 0.3, box >= 8 px both ways,
// highest scores first (stable), <= 16, box + 10% of its size per side, outwards, clipped.
std::vector<Expected> expected_crops(const FrameResult& r) {
  std::vector<vision::Detection> kept;
  for (const auto& d : r.detections)
    if (d.score >= 0.3f && d.x2 - d.x1 >= 8 && d.y2 - d.y1 >= 8) kept.push_back(d);
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  if (kept.size() > 16) kept.resize(16);
  std::vector<Expected> out;
  for (const auto& d : kept) {
    const double pw = 0.1 * (static_cast<double>(d.x2) - d.x1), ph = 0.1 * (static_cast<double>(d.y2) - d.y1);
    const int x0 = static_cast<int>(std::max(0.0, std::floor(d.x1 - pw)));
    const int y0 = static_cast<int>(std::max(0.0, std::floor(d.y1 - ph)));
    const int x1 = static_cast<int>(std::min<double>(r.image_width, std::ceil(d.x2 + pw)));
    const int y1 = static_cast<int>(std::min<double>(r.image_height, std::ceil(d.y2 + ph)));
    out.push_back({d, vision::CropRoi{x0, y0, x1 - x0, y1 - y0}});
  }
  return out;
}

// The roi of a frame copied out into a bgr8 image of its own.
std::vector<uint8_t> copy_crop(const test::OwnedFrame& f, const vision::CropRoi& roi) {
  std::vector<uint8_t> out(static_cast<size_t>(roi.width) * roi.height * 3);
  for (int y = 0; y < roi.height; ++y)
    std::copy_n(f.frame.image.data + (static_cast<size_t>(roi.y + y) * f.frame.image.step) + 3 * roi.x,
                static_cast<size_t>(roi.width) * 3, out.data() + static_cast<size_t>(y) * roi.width * 3);
  return out;
}

// Scores indexed by class id (1000 classes).
std::vector<float> logits_by_class(const std::vector<vision::ClassScore>& classes) {
  std::vector<float> out(1000, std::numeric_limits<float>::quiet_NaN());
  for (const vision::ClassScore& c : classes)
    if (c.class_id >= 0 && c.class_id < 1000) out[static_cast<size_t>(c.class_id)] = c.score;
  return out;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float d = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const float e = std::fabs(a[i] - b[i]);
    d = std::isnan(e) ? std::numeric_limits<float>::infinity() : std::max(d, e);
  }
  return d;
}

TEST(PipelineChainRealModel, DemoDetectorThenMobilenetOnTheCrops) {
  auto det = create_model("demo/detector.onnx", "demo/labels.txt", 2);
  auto cls_inner = create_model("mobilenetv3_small.onnx", "", 8);
  auto reference = create_model("mobilenetv3_small.onnx", "", 1);
  ASSERT_TRUE(det && cls_inner && reference);
  auto recording = std::make_unique<RecordingModel>(std::move(cls_inner));
  RecordingModel* cls = recording.get();

  std::vector<PipelineSourceSpec> sources;
  sources.push_back({std::make_unique<SampleScenes>(), LaneOptions{2, QueuePolicy::kBlock}});
  std::vector<PipelineModelSpec> models(2);
  models[0].name = "det";
  models[0].instances.push_back(std::move(det));
  models[0].batching.max_batch_size = 2;
  models[1].name = "cls";
  models[1].instances.push_back(std::move(recording));
  models[1].batching.max_batch_size = 8;
  models[1].batching.max_queue_delay = 20ms;
  models[1].crops_from = 0;
  models[1].crops = CropSelection{{}, 0.3f, 0.1f, 8, 16};
  auto sink = std::make_unique<testing::KeepingSink>("keep");
  testing::KeepingSink* kept = sink.get();
  std::vector<PipelineSinkSpec> sinks;
  sinks.push_back({std::move(sink), {}, 8});
  PipelineOptions options;
  options.use_nvml = false;
  auto p = Pipeline::create(std::move(sources), std::move(models), std::move(sinks), options);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  ASSERT_TRUE((*p)->start().is_ok());
  ASSERT_TRUE((*p)->wait_for(120s));
  (*p)->wait();
  EXPECT_TRUE((*p)->accounting().check_balanced().is_ok());

  const auto det_items = kept->items_of("det", "scenes");
  const auto cls_items = kept->items_of("cls", "scenes");
  ASSERT_EQ(det_items.size(), 2u);
  ASSERT_EQ(cls_items.size(), 2u);
  std::vector<RecordingModel::Seen> want_seen;
  size_t total = 0;
  for (size_t n = 0; n < 2; ++n) {
    const FrameResult& upstream = det_items[n].result;
    const FrameResult& joined = cls_items[n].result;
    ASSERT_EQ(upstream.sequence, static_cast<int64_t>(n));
    ASSERT_EQ(joined.sequence, static_cast<int64_t>(n)) << "joined to the right frame";
    EXPECT_EQ(cls_items[n].pixel, det_items[n].pixel);
    const std::vector<Expected> want = expected_crops(upstream);
    total += want.size();
    ASSERT_EQ(joined.detections.size(), want.size()) << "frame " << n;
    ASSERT_EQ(joined.detection_classes.size(), want.size());
    const test::OwnedFrame scene = test::sample_scene_frame(kWidth, kHeight, 1 + static_cast<int>(n), "scenes", 0);
    for (size_t i = 0; i < want.size(); ++i) {
      want_seen.push_back({static_cast<int64_t>(n), want[i].roi, pixel_sum(scene.frame.image, want[i].roi)});
      const vision::Detection& d = joined.detections[i];
      EXPECT_EQ(d.class_id, want[i].detection.class_id);
      EXPECT_EQ(d.score, want[i].detection.score);
      EXPECT_EQ(d.x1, want[i].detection.x1);
      EXPECT_EQ(d.y2, want[i].detection.y2);
      // The classifier on the crop's pixels copied out: what the join must carry for detection i.
      std::vector<uint8_t> pixels = copy_crop(scene, want[i].roi);
      Frame alone;
      alone.image = vision::ImageView{pixels.data(), pixels.size(), want[i].roi.width, want[i].roi.height,
                                      static_cast<size_t>(want[i].roi.width) * 3, vision::PixelEncoding::kBgr8};
      alone.source = "copy";
      auto ref = reference->run(std::span<const Frame>(&alone, 1));
      ASSERT_TRUE(ref.is_ok()) << ref.status().to_string();
      const std::vector<float> got = logits_by_class(joined.detection_classes[i]);
      const std::vector<float> exp = logits_by_class((*ref)[0].classes);
      EXPECT_LE(max_abs_diff(got, exp), 1e-4f) << "frame " << n << " detection " << i;
    }
  }
  EXPECT_GT(total, 1u) << "the sample scenes hold objects the demo detector finds";
  const auto seen = cls->seen();
  ASSERT_EQ(seen.size(), want_seen.size()) << "the classifier ran exactly the implied crops";
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].sequence, want_seen[i].sequence) << i;
    EXPECT_EQ(seen[i].roi.x, want_seen[i].roi.x) << i;
    EXPECT_EQ(seen[i].roi.y, want_seen[i].roi.y) << i;
    EXPECT_EQ(seen[i].roi.width, want_seen[i].roi.width) << i;
    EXPECT_EQ(seen[i].roi.height, want_seen[i].roi.height) << i;
    EXPECT_EQ(seen[i].pixel_sum, want_seen[i].pixel_sum) << i << ": the crop reads its own frame's pixels";
  }
  const MetricsSnapshot snap = (*p)->snapshot();
  EXPECT_EQ(snap.models[1].crops.in, total);
  EXPECT_EQ(snap.models[1].crops.classified, total);
}

}  // namespace
}  // namespace fovea::pipeline
