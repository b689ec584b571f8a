// `fovea eval --model M --dataset DIR`: runs a detector (pipeline::VisionModel) over every image of
// a COCO-format dataset (DIR/annotations.json + DIR/images/) and prints COCO-style accuracy:
// mAP@0.5, mAP@0.5:0.95, mAP@0.75, AR@100, a per-class table and images/s.
//
// Model class id k is the k-th dataset category when the categories are sorted by id (see
// src/io/coco_dataset.h); detections of classes past the last category are dropped and counted.
// The model keeps up to --maxDetections boxes per image after NMS (300, Ultralytics' val); the
// evaluator then applies COCO's maxDets = 100 per image and category (src/vision/detection_evaluation.h).
//
// Exit code: 0 when every image was evaluated; 2 when some images failed (named on stderr; the
// numbers cover the others); 1 when the run could not start (dataset, model, flags).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "build_flags.h"
#include "commands.h"
#include "core/progress_bar.h"
#include "io/coco_dataset.h"
#include "io/detection_json.h"
#include "io/image_file.h"
#include "pipeline/vision_model.h"
#include "vision/detection_evaluation.h"

namespace fovea::cli {
namespace {

constexpr int kExitImagesFailed = 2;

struct EvalOptions {
  std::string model;
  std::string dataset;
  std::string annotations;
  std::string images;
  std::string labels;
  std::string device = "cpu";
  std::string precision = "fp32";
  std::string engine_cache_dir;
  float conf = 0.001f;
  float iou = 0.6f;
  int max_detections = 300;
  int batch = 1;
  int limit = 0;
  std::string json_path;
  std::string coco_results_path;
};

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// -1 (no ground truth) prints as "-" and writes as null.
std::string metric_text(double v) { return v < 0 ? std::string("     -") : fmt::format("{:6.3f}", v); }
nlohmann::json metric_json(double v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }

struct PendingImage {
  io::DecodedImage image;
  size_t index = 0;  // into dataset.images
};

class EvalRun {
 public:
  EvalRun(const EvalOptions& o, const io::CocoDataset& dataset, pipeline::VisionModel& model,
          vision::DetectionEvaluator& evaluator)
      : o_(o), dataset_(dataset), model_(model), evaluator_(evaluator), coco_results_(nlohmann::json::array()) {}

  void add(size_t index) {
    const io::CocoImage& info = dataset_.images[index];
    const auto start = Clock::now();
    auto image = io::read_image_file(info.path, vision::PixelEncoding::kRgb8);
    read_ms_.push_back(ms_since(start));
    if (!image.is_ok()) return fail(info.path, image.status().message());
    if (image->width != info.width || image->height != info.height)
      return fail(info.path, fmt::format("{}: image is {}x{} but the annotations say {}x{}", info.path, image->width,
                                         image->height, info.width, info.height));
    pending_.push_back({std::move(image).value(), index});
    if (static_cast<int>(pending_.size()) >= o_.batch) flush();
  }

  void flush() {
    if (pending_.empty()) return;
    std::vector<pipeline::Frame> frames;
    for (const PendingImage& p : pending_) {
      pipeline::Frame f;
      f.image = p.image.view();
      f.source = dataset_.images[p.index].path;
      f.sequence = static_cast<int64_t>(p.index);
      frames.push_back(std::move(f));
    }
    pipeline::StageTimes times;
    const auto start = Clock::now();
    auto results = model_.run(frames, &times);
    if (results.is_ok()) {
      model_ms_.push_back(ms_since(start));
      for (size_t i = 0; i < pending_.size(); ++i) record(pending_[i].index, (*results)[i]);
    } else {
      // One bad frame fails the batch: run them one by one to name it and keep the others.
      for (size_t i = 0; i < frames.size(); ++i) {
        const auto one_start = Clock::now();
        auto one = model_.run(std::span<const pipeline::Frame>(&frames[i], 1), &times);
        if (!one.is_ok()) {
          fail(frames[i].source, one.status().message());
          continue;
        }
        model_ms_.push_back(ms_since(one_start));
        record(pending_[i].index, (*one)[0]);
      }
    }
    pending_.clear();
  }

  const std::vector<std::pair<std::string, std::string>>& failures() const { return failures_; }
  int64_t evaluated() const { return evaluated_; }
  int64_t dropped_detections() const { return dropped_; }
  const std::vector<double>& read_ms() const { return read_ms_; }
  const std::vector<double>& model_ms() const { return model_ms_; }
  const nlohmann::json& coco_results() const { return coco_results_; }

 private:
  void fail(const std::string& source, const std::string& message) {
    const std::string text = message.find(source) == std::string::npos ? source + ": " + message : message;
    std::fprintf(stderr, "error: %s\n", text.c_str());
    failures_.emplace_back(source, message);
  }

  void record(size_t index, const pipeline::FrameResult& result) {
    const io::CocoImage& info = dataset_.images[index];
    std::vector<vision::ScoredObject> detections;
    for (const vision::Detection& d : result.detections) {
      // Model class k <-> k-th category by id.
      if (d.class_id < 0 || static_cast<size_t>(d.class_id) >= dataset_.categories.size()) {
        ++dropped_;
        continue;
      }
      vision::ScoredObject s;
      s.box = {d.x1, d.y1, static_cast<double>(d.x2) - d.x1, static_cast<double>(d.y2) - d.y1};
      s.category_id = dataset_.categories[static_cast<size_t>(d.class_id)].id;
      s.score = d.score;
      detections.push_back(s);
      if (!o_.coco_results_path.empty())
        coco_results_.push_back({{"image_id", info.id},
                                 {"category_id", s.category_id},
                                 {"bbox", {s.box.x, s.box.y, s.box.width, s.box.height}},
                                 {"score", s.score}});
    }
    const std::vector<vision::GroundTruthObject> gt = dataset_.ground_truth_of_image(index);
    Status s = evaluator_.add_image(info.id, gt, detections);
    if (!s.is_ok()) return fail(info.path, s.message());
    ++evaluated_;
  }

  const EvalOptions& o_;
  const io::CocoDataset& dataset_;
  pipeline::VisionModel& model_;
  vision::DetectionEvaluator& evaluator_;
  std::vector<PendingImage> pending_;
  std::vector<std::pair<std::string, std::string>> failures_;
  std::vector<double> read_ms_, model_ms_;  // per image; per run() call
  int64_t evaluated_ = 0, dropped_ = 0;
  nlohmann::json coco_results_;
};

// Labels that disagree with the dataset's category names usually mean a class-order mismatch.
void warn_about_labels(const std::vector<std::string>& labels, const io::CocoDataset& dataset) {
  if (labels.empty()) return;
  if (labels.size() != dataset.categories.size())
    std::fprintf(stderr, "warning: the model has %zu labels, the dataset %zu categories\n", labels.size(),
                 dataset.categories.size());
  for (size_t k = 0; k < labels.size() && k < dataset.categories.size(); ++k)
    if (labels[k] != dataset.categories[k].name)
      std::fprintf(stderr, "warning: class %zu is '%s' in the labels but category %d '%s' in the dataset\n", k,
                   labels[k].c_str(), dataset.categories[k].id, dataset.categories[k].name.c_str());
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return percentile(v, 50);
}

void print_report(const EvalOptions& o, const io::CocoDataset& dataset, const vision::DetectionEvaluation& e,
                  const EvalRun& run, double wall_s) {
  std::printf("dataset  %zu images, %zu objects, %zu categories; evaluated %lld images (%zu failed)\n",
              dataset.images.size(), dataset.annotations.size(), dataset.categories.size(),
              static_cast<long long>(run.evaluated()), run.failures().size());
  std::printf("settings conf %g, NMS IoU %g, %d boxes/image, COCO maxDets 100, batch %d\n", o.conf, o.iou,
              o.max_detections, o.batch);
  std::printf("\n%-20s %5s %8s %8s %7s %7s %7s %7s %9s\n", "class", "id", "objects", "dets", "P", "R", "AP50",
              "AP50:95", "at score");
  for (const vision::CategoryEvaluation& c : e.categories) {
    std::printf("%-20s %5d %8lld %8lld %7s %7s %7s %7s %9.3f\n", c.name.substr(0, 20).c_str(), c.category_id,
                static_cast<long long>(c.ground_truth), static_cast<long long>(c.detections),
                metric_text(c.ground_truth ? c.precision_at_best_f1 : -1).c_str(),
                metric_text(c.ground_truth ? c.recall_at_best_f1 : -1).c_str(), metric_text(e.ap_at(c, 0.5)).c_str(),
                metric_text(c.ap_mean).c_str(), c.score_at_best_f1);
  }
  std::printf("(P, R: at the score with the best F1 at IoU 0.5, shown last)\n\n");
  std::printf("mAP@0.5       %s\n", metric_text(e.map_at(0.5)).c_str());
  std::printf("mAP@0.5:0.95  %s\n", metric_text(e.map).c_str());
  std::printf("mAP@0.75      %s\n", metric_text(e.map_at(0.75)).c_str());
  std::printf("AR@100        %s\n", metric_text(e.mean_recall).c_str());
  if (run.dropped_detections())
    std::printf("note     %lld detections of classes past the dataset's %zu categories were dropped\n",
                static_cast<long long>(run.dropped_detections()), dataset.categories.size());
  double model_s = 0;
  for (double ms : run.model_ms()) model_s += ms / 1000.0;
  std::printf("speed    %.2f images/s end to end (%.1f s), %.2f images/s in the model; read+decode median %.2f ms\n",
              wall_s > 0 ? static_cast<double>(run.evaluated()) / wall_s : 0.0, wall_s,
              model_s > 0 ? static_cast<double>(run.evaluated()) / model_s : 0.0, median_of(run.read_ms()));
}

nlohmann::json report_json(const EvalOptions& o, const io::CocoDataset& dataset, const pipeline::VisionModel& model,
                           const vision::DetectionEvaluation& e, const EvalRun& run, double wall_s) {
  nlohmann::json j;
  j["model"] = model.description();
  j["device"] = o.device;
  j["precision"] = o.precision;
  j["dataset"] = {{"path", o.dataset},
                  {"images", dataset.images.size()},
                  {"objects", dataset.annotations.size()},
                  {"categories", dataset.categories.size()}};
  j["settings"] = {{"conf", o.conf},   {"iou", o.iou},         {"max_detections_per_image", o.max_detections},
                   {"coco_max_dets", 100}, {"batch", o.batch}};
  j["images_evaluated"] = run.evaluated();
  j["map50"] = metric_json(e.map_at(0.5));
  j["map50_95"] = metric_json(e.map);
  j["map75"] = metric_json(e.map_at(0.75));
  j["mar100"] = metric_json(e.mean_recall);
  j["map_per_iou"] = nlohmann::json::array();
  for (size_t t = 0; t < e.iou_thresholds.size(); ++t)
    j["map_per_iou"].push_back({{"iou", e.iou_thresholds[t]}, {"map", metric_json(e.map_per_iou[t])}});
  j["classes"] = nlohmann::json::array();
  for (size_t k = 0; k < e.categories.size(); ++k) {
    const vision::CategoryEvaluation& c = e.categories[k];
    j["classes"].push_back({{"class_id", k},
                            {"category_id", c.category_id},
                            {"name", c.name},
                            {"objects", c.ground_truth},
                            {"crowd", c.crowd},
                            {"detections", c.detections},
                            {"ap50", metric_json(e.ap_at(c, 0.5))},
                            {"ap75", metric_json(e.ap_at(c, 0.75))},
                            {"ap50_95", metric_json(c.ap_mean)},
                            {"true_positives_50", c.true_positives},
                            {"false_positives_50", c.false_positives},
                            {"best_f1", c.best_f1},
                            {"precision_at_best_f1", c.precision_at_best_f1},
                            {"recall_at_best_f1", c.recall_at_best_f1},
                            {"score_at_best_f1", c.score_at_best_f1}});
  }
  j["dropped_detections"] = run.dropped_detections();
  j["failed"] = nlohmann::json::array();
  for (const auto& [source, message] : run.failures()) j["failed"].push_back({{"source", source}, {"error", message}});
  double model_s = 0;
  for (double ms : run.model_ms()) model_s += ms / 1000.0;
  j["timing"] = {{"wall_s", wall_s},
                 {"images_per_s", wall_s > 0 ? static_cast<double>(run.evaluated()) / wall_s : 0.0},
                 {"model_images_per_s", model_s > 0 ? static_cast<double>(run.evaluated()) / model_s : 0.0},
                 {"read_decode_ms_median", median_of(run.read_ms())},
                 {"model_ms_median_per_call", median_of(run.model_ms())}};
  return j;
}

Result<int> run_eval(const EvalOptions& o) {
  const bool gpu = o.device == "gpu";
  if (o.precision == "fp16" && !gpu) return invalid_argument("--precision fp16 needs --device gpu");
  FOVEA_ASSIGN_OR_RETURN(io::CocoDataset dataset, io::load_coco_dataset(o.dataset, o.annotations, o.images));

  pipeline::VisionModelConfig config;
  config.model_path = o.model;
  config.labels_path = o.labels;
  config.device = gpu ? pipeline::ComputeDevice::kGpu : pipeline::ComputeDevice::kCpu;
  config.fp16 = o.precision == "fp16";
  config.engine_cache_dir = o.engine_cache_dir;
  config.max_batch_size = o.batch;
  config.detection.nms.confidence_threshold = o.conf;
  config.detection.nms.nms_threshold = o.iou;
  config.detection.nms.max_detections = o.max_detections;
  FOVEA_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::VisionModel> model, pipeline::VisionModel::create(config));
  const pipeline::DecoderKind kind = model->config().decoder;
  if (kind == pipeline::DecoderKind::kClassification || kind == pipeline::DecoderKind::kSegmentation)
    return invalid_argument("{}: a {} model has no boxes to evaluate", o.model, pipeline::decoder_kind_name(kind));
  warn_about_labels(model->labels(), dataset);
  std::printf("model    %s\n", model->description().c_str());

  FOVEA_ASSIGN_OR_RETURN(vision::DetectionEvaluator evaluator,
                         vision::DetectionEvaluator::create(dataset.evaluation_categories()));
  size_t count = dataset.images.size();
  if (o.limit > 0) count = std::min(count, static_cast<size_t>(o.limit));

  const auto start = Clock::now();
  EvalRun run(o, dataset, *model, evaluator);
  {
    ProgressBar progress("eval", static_cast<int>(count), count > 1);
    for (size_t i = 0; i < count; ++i) {
      progress.update(static_cast<int>(i), dataset.images[i].file_name);
      run.add(i);
    }
    run.flush();
    progress.update(static_cast<int>(count));
    progress.finish();
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  const vision::DetectionEvaluation e = evaluator.evaluate();
  print_report(o, dataset, e, run, wall_s);

  if (!o.json_path.empty())
    FOVEA_RETURN_IF_ERROR(io::write_json_file(o.json_path, report_json(o, dataset, *model, e, run, wall_s), 2));
  if (!o.coco_results_path.empty())
    FOVEA_RETURN_IF_ERROR(io::write_json_file(o.coco_results_path, run.coco_results(), 1));
  for (const auto& [source, message] : run.failures())
    std::fprintf(stderr, "failed: %s\n", message.find(source) == std::string::npos
                                              ? (source + ": " + message).c_str() : message.c_str());
  return run.failures().empty() ? 0 : kExitImagesFailed;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "COCO-style detection accuracy on a dataset (DIR/annotations.json + DIR/images/): mAP@0.5, mAP@0.5:0.95, "
      "per-class AP, images/s. Model class k = k-th category by id. Exit code 0: all images evaluated; 2: some "
      "images failed (named on stderr); 1: could not start");
  cmd->add_option("--model", o->model, "model.onnx, or model.plan (GPU)")->required();
  cmd->add_option("--dataset", o->dataset, "Dataset folder holding annotations.json and images/")->required();
  cmd->add_option("--annotations", o->annotations, "COCO annotations JSON (default: DATASET/annotations.json)");
  cmd->add_option("--images", o->images, "Image folder the file_names are relative to (default: DATASET/images)");
  cmd->add_option("--labels", o->labels, "Labels file, one class name per line (checked against the categories)");
  cmd->add_option("--device", o->device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}))->capture_default_str();
  cmd->add_option("--precision", o->precision, "fp32 or fp16 (GPU)")
      ->check(CLI::IsMember({"fp32", "fp16"}))
      ->capture_default_str();
  cmd->add_option("--engineCacheDir", o->engine_cache_dir, "GPU, ONNX model: reuse or build plans in this folder");
  cmd->add_option("--conf", o->conf, "Confidence threshold (keep scores above it)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--iou", o->iou, "NMS IoU threshold")->check(CLI::Range(0.0f, 1.0f))->capture_default_str();
  cmd->add_option("--maxDetections", o->max_detections, "Boxes kept per image after NMS")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--batch", o->batch, "Images per inference")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--limit", o->limit, "Evaluate only the first N images (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--json", o->json_path, "Write the results (metrics, per class, timing) to this JSON file");
  cmd->add_option("--cocoResults", o->coco_results_path,
                  "Write the detections in COCO results format (dataset category ids) to this file");
  cmd->callback([o, &exit_code] {
    auto r = run_eval(*o);
    exit_code = r.is_ok() ? *r : report_error(r.status().message());
  });
}

}  // namespace fovea::cli
