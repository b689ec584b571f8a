// VisionModel on the CPU: the demo detector (YOLOv8n architecture, trained) on the demo's sample
// scenes; batches equal single runs; bad frames fail naming their source. Plus the
// decoder auto-detection rule and the mask mapping on synthetic outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../sample_scene_frame.h"
#include "pipeline/vision_model.h"
#include "pipeline/vision_model_io.h"

namespace fovea::pipeline {
namespace {

const std::string kModel = std::string(FOVEA_SOURCE_DIR) + "/models/demo/detector.onnx";

using test::OwnedFrame;

// Sample scene `seed` at w x h (step padded by 9 bytes) with a header and sequence from the seed.
OwnedFrame make_frame(int w, int h, int seed, const std::string& source) {
  OwnedFrame f = test::sample_scene_frame(w, h, seed, source, 9);
  f.frame.header.frame_id = "camera_" + std::to_string(seed);
  f.frame.header.stamp_ns = 1000 + seed;
  f.frame.sequence = seed;
  return f;
}

VisionModelConfig yolo_config(int max_batch = 1) {
  VisionModelConfig c;
  c.model_path = kModel;
  c.max_batch_size = max_batch;
  c.detection.nms.confidence_threshold = 0.3f;
  c.detection.nms.max_detections = 50;
  return c;
}

void expect_same_detections(const std::vector<vision::Detection>& a, const std::vector<vision::Detection>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].class_id, b[i].class_id) << i;
    EXPECT_NEAR(a[i].score, b[i].score, 1e-5f) << i;
    EXPECT_NEAR(a[i].x1, b[i].x1, 1e-3f) << i;
    EXPECT_NEAR(a[i].y1, b[i].y1, 1e-3f) << i;
    EXPECT_NEAR(a[i].x2, b[i].x2, 1e-3f) << i;
    EXPECT_NEAR(a[i].y2, b[i].y2, 1e-3f) << i;
  }
}

class CpuVisionModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto m = VisionModel::create(yolo_config(2));
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    model_ = std::move(m).value().release();
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }
  static VisionModel* model_;
};
VisionModel* CpuVisionModelTest::model_ = nullptr;

TEST_F(CpuVisionModelTest, ResolvesInputAndDecoder) {
  ASSERT_NE(model_, nullptr);
  const VisionModelConfig& c = model_->config();
  EXPECT_EQ(c.encoder.network_image_width, 640);
  EXPECT_EQ(c.encoder.network_image_height, 640);
  EXPECT_EQ(c.input_tensor_name, "images");
  EXPECT_EQ(c.decoder, DecoderKind::kYolov8);
  EXPECT_NE(model_->description().find("YOLOv8 detector 640x640, 8 classes, CPU"), std::string::npos)
      << model_->description();
}

TEST_F(CpuVisionModelTest, DetectionsLieInTheOriginalImage) {
  ASSERT_NE(model_, nullptr);
  OwnedFrame f = make_frame(400, 250, 1, "synthetic/wide.png");
  StageTimes times;
  auto r = model_->run(std::span<const Frame>(&f.frame, 1), &times);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const FrameResult& res = (*r)[0];
  EXPECT_EQ(res.source, "synthetic/wide.png");
  EXPECT_EQ(res.header.frame_id, "camera_1");
  EXPECT_EQ(res.header.stamp_ns, 1001);
  EXPECT_EQ(res.image_width, 400);
  EXPECT_EQ(res.image_height, 250);
  EXPECT_NEAR(res.transform.scale_x, 640.0 / 400.0, 1e-9);
  EXPECT_GT(res.detections.size(), 0u) << "the sample scene holds objects the detector knows";
  EXPECT_LE(res.detections.size(), 50u);
  for (const auto& d : res.detections) {
    EXPECT_GE(d.x1, 0.0f);
    EXPECT_GE(d.y1, 0.0f);
    EXPECT_LE(d.x2, 400.0f);
    EXPECT_LE(d.y2, 250.0f);
    EXPECT_LT(d.x1, d.x2);
    EXPECT_LT(d.y1, d.y2);
    EXPECT_GT(d.score, 0.3f);
    EXPECT_GE(d.class_id, 0);
    EXPECT_LT(d.class_id, 8);
  }
  for (size_t i = 1; i < res.detections.size(); ++i) EXPECT_GE(res.detections[i - 1].score, res.detections[i].score);
  EXPECT_GT(times.infer_ms, 0.0);
  EXPECT_GT(times.encode_ms, 0.0);
  EXPECT_EQ(times.upload_ms, 0.0);
}

TEST_F(CpuVisionModelTest, BatchOfTwoEqualsTwoSingles) {
  ASSERT_NE(model_, nullptr);
  OwnedFrame a = make_frame(320, 480, 0, "a");
  OwnedFrame b = make_frame(500, 200, 2, "b");
  const Frame both[] = {a.frame, b.frame};
  auto batch = model_->run(both);
  ASSERT_TRUE(batch.is_ok()) << batch.status().message();
  ASSERT_EQ(batch->size(), 2u);
  auto ra = model_->run(std::span<const Frame>(&a.frame, 1));
  auto rb = model_->run(std::span<const Frame>(&b.frame, 1));
  ASSERT_TRUE(ra.is_ok() && rb.is_ok());
  EXPECT_EQ((*batch)[0].source, "a");
  EXPECT_EQ((*batch)[1].source, "b");
  EXPECT_GT((*ra)[0].detections.size() + (*rb)[0].detections.size(), 0u);
  expect_same_detections((*batch)[0].detections, (*ra)[0].detections);
  expect_same_detections((*batch)[1].detections, (*rb)[0].detections);
}

TEST_F(CpuVisionModelTest, BadFramesNameTheirSource) {
  ASSERT_NE(model_, nullptr);
  OwnedFrame good = make_frame(64, 64, 0, "good");
  Frame short_step = good.frame;
  short_step.source = "cam/left#17";
  short_step.image.step = 10;  // less than 64 * 3
  auto r = model_->run(std::span<const Frame>(&short_step, 1));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("cam/left#17"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("step"), std::string::npos) << r.status().message();

  Frame empty = good.frame;
  empty.source = "zero";
  empty.image.width = 0;
  r = model_->run(std::span<const Frame>(&empty, 1));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'zero'"), std::string::npos) << r.status().message();

  Frame null_data = good.frame;
  null_data.source = "null";
  null_data.image.data = nullptr;
  const Frame mixed[] = {good.frame, null_data};
  r = model_->run(mixed);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'null'"), std::string::npos) << r.status().message();

  const Frame three[] = {good.frame, good.frame, good.frame};
  r = model_->run(three);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("max_batch_size"), std::string::npos);
  EXPECT_FALSE(model_->run(std::span<const Frame>()).is_ok());
}

TEST(VisionModelCreate, ConfigErrors) {
  VisionModelConfig c = yolo_config();
  c.model_path = "/nonexistent/model.onnx";
  auto r = VisionModel::create(c);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("/nonexistent/model.onnx"), std::string::npos);

  c = yolo_config();
  c.encoder.network_image_width = 320;
  c.encoder.network_image_height = 320;
  r = VisionModel::create(c);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("network_image_width 320"), std::string::npos) << r.status().message();

  c = yolo_config();
  c.labels_path = "/nonexistent/labels.txt";
  r = VisionModel::create(c);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("labels.txt"), std::string::npos);

  c = yolo_config();
  c.decoder = DecoderKind::kClassification;  // the output is [B, 84, 8400]
  r = VisionModel::create(c);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("output0"), std::string::npos) << r.status().message();

  c = yolo_config();
  c.model_path = std::string(FOVEA_SOURCE_DIR) + "/models/yolov8n_demo_input.npy";
  EXPECT_FALSE(VisionModel::create(c).is_ok());
}

// --- the decoder rule on synthetic output dims ---

detail::NamedDims out(const std::string& name, Dims d) { return {name, std::move(d)}; }

DecoderKind auto_kind(std::vector<detail::NamedDims> outputs, size_t labels = 0, int keypoints = -1) {
  VisionModelConfig c;
  c.num_keypoints = keypoints;
  auto b = detail::bind_decoder(outputs, c, labels);
  return b.is_ok() ? b->kind : DecoderKind::kAuto;
}

TEST(VisionModelDecoderRule, FromOutputDims) {
  EXPECT_EQ(auto_kind({out("o", {1, 84, 8400})}), DecoderKind::kYolov8);
  EXPECT_EQ(auto_kind({out("o", {1, 8400, 84})}), DecoderKind::kYolov8);
  EXPECT_EQ(auto_kind({out("o", {1, 12, 2100})}), DecoderKind::kYolov8);       // 8 classes at 320
  EXPECT_EQ(auto_kind({out("o", {1, 56, 8400})}), DecoderKind::kYolov8Pose);   // 17 keypoints
  EXPECT_EQ(auto_kind({out("o", {1, 56, 8400})}, 52), DecoderKind::kYolov8);   // 52 labels: a detector
  EXPECT_EQ(auto_kind({out("o", {1, 20, 8400})}, 1), DecoderKind::kYolov8Pose);  // 5 keypoints, 1 label
  EXPECT_EQ(auto_kind({out("o", {1, 20, 8400})}, 0, 5), DecoderKind::kYolov8Pose);
  EXPECT_EQ(auto_kind({out("o", {1, 20, 8400})}), DecoderKind::kYolov8);
  EXPECT_EQ(auto_kind({out("o", {1, 1000})}), DecoderKind::kClassification);
  EXPECT_EQ(auto_kind({out("o", {1, 1000, 1, 1})}), DecoderKind::kClassification);
  EXPECT_EQ(auto_kind({out("o", {1, 21, 160, 160})}), DecoderKind::kSegmentation);
  EXPECT_EQ(auto_kind({out("scores", {1, 3000, 91}), out("boxes", {1, 3000, 4})}), DecoderKind::kSsd);
  EXPECT_EQ(auto_kind({out("o", {1, 2, 3, 4, 5})}), DecoderKind::kAuto);  // error

  VisionModelConfig c;
  std::vector<detail::NamedDims> ssd = {out("scores", {2, 100, 5}), out("boxes", {2, 100, 4})};
  auto b = detail::bind_decoder(ssd, c, 0);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->output, 1u);
  EXPECT_EQ(b->scores_output, 0u);
  EXPECT_EQ(c.decoder, DecoderKind::kSsd);

  VisionModelConfig bad;
  auto e = detail::bind_decoder({out("weird", {1, 2, 3, 4, 5})}, bad, 0);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("'weird' [1,2,3,4,5]"), std::string::npos) << e.status().message();
  bad.decoder = DecoderKind::kSegmentation;
  e = detail::bind_decoder({out("logits", {1, 84, 8400})}, bad, 0);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("'logits'"), std::string::npos);
}

TEST(VisionModelNames, RoundTrip) {
  for (DecoderKind k : {DecoderKind::kAuto, DecoderKind::kYolov8, DecoderKind::kYolov5, DecoderKind::kYolov8Pose,
                        DecoderKind::kSsd, DecoderKind::kClassification, DecoderKind::kSegmentation}) {
    auto p = parse_decoder_kind(decoder_kind_name(k));
    ASSERT_TRUE(p.is_ok());
    EXPECT_EQ(*p, k);
  }
  EXPECT_FALSE(parse_decoder_kind("yolo").is_ok());
}

// --- host decoding of classification and segmentation outputs ---

TEST(VisionModelHostDecode, SegmentationMaskComesBackAtOriginalResolution) {
  // Network 8x8, image 16x8 letterboxed to 8x4 at pad_y = 2. Logits [1, 2, 8, 8]: class 1 in the
  // network's left half.
  VisionModelConfig c;
  c.encoder.network_image_width = 8;
  c.encoder.network_image_height = 8;
  c.decoder = DecoderKind::kSegmentation;
  std::vector<float> logits(2 * 64, 0.0f);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 4; ++x) logits[64 + y * 8 + x] = 5.0f;
  auto t = Tensor::from_vector(logits, {1, 2, 8, 8});
  auto transform = vision::compute_letterbox_transform(16, 8, c.encoder);
  ASSERT_TRUE(transform.is_ok());
  EXPECT_DOUBLE_EQ(transform->pad_y, 2.0);
  std::vector<FrameResult> results(1);
  results[0].transform = *transform;
  detail::DecoderBinding binding{DecoderKind::kSegmentation, 0, 0};
  ASSERT_TRUE(detail::decode_host_outputs(c, binding, {t}, {"logits"}, results).is_ok());
  const Tensor& m = results[0].mask;
  ASSERT_EQ(m.dims(), (Dims{8, 16}));
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) ASSERT_EQ(m.data<uint8_t>()[y * 16 + x], x < 8 ? 1 : 0) << x << "," << y;
}

TEST(VisionModelHostDecode, MaskOutsideTheCropIsBackground) {
  VisionModelConfig c;
  c.encoder.network_image_width = 4;
  c.encoder.network_image_height = 4;
  c.encoder.enable_padding = false;
  c.encoder.crop = vision::CropRoi{2, 1, 4, 4};
  std::vector<uint8_t> ones(16, 3);
  auto mask = Tensor::from_vector(ones, {1, 4, 4});
  auto transform = vision::compute_letterbox_transform(10, 6, c.encoder);
  ASSERT_TRUE(transform.is_ok());
  auto m = detail::mask_to_source(mask, 0, *transform, c.encoder);
  ASSERT_TRUE(m.is_ok());
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 10; ++x) {
      const bool inside = x >= 2 && x < 6 && y >= 1 && y < 5;
      ASSERT_EQ(m->data<uint8_t>()[y * 10 + x], inside ? 3 : 0) << x << "," << y;
    }
}

TEST(VisionModelHostDecode, ClassificationTopK) {
  VisionModelConfig c;
  c.classification.top_k = 2;
  auto t = Tensor::from_vector(std::vector<float>{0.f, 3.f, 1.f, 2.f, 0.f, 0.f}, {2, 3});
  std::vector<FrameResult> results(2);
  detail::DecoderBinding binding{DecoderKind::kClassification, 0, 0};
  ASSERT_TRUE(detail::decode_host_outputs(c, binding, {t}, {"logits"}, results).is_ok());
  ASSERT_EQ(results[0].classes.size(), 2u);
  EXPECT_EQ(results[0].classes[0].class_id, 1);
  EXPECT_EQ(results[0].classes[1].class_id, 2);
  EXPECT_EQ(results[1].classes[0].class_id, 0);
}

}  // namespace
}  // namespace fovea::pipeline
