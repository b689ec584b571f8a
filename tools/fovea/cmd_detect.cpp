// `fovea detect --model M.plan|M.onnx [--labels FILE] [--device cpu|gpu] INPUT... --out DIR`: runs a
// vision model (pipeline::VisionModel) over image files, folders of images and video files and
// writes annotated images, one JSON per image (per video: one JSON with every frame, and an
// annotated video), coco_results.json for the images, and a per-stage timing summary.
//
// Exit code: 0 when every input was processed; 2 when some inputs failed (each is named on stderr,
// the run goes on with the rest); 1 when the run could not start (model, flags, output folder).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "build_flags.h"
#include "commands.h"
#include "core/progress_bar.h"
#include "detect_inputs.h"
#include "io/detection_json.h"
#include "io/image_file.h"
#include "io/video_file.h"
#include "pipeline/vision_model.h"
#include "vision/draw_results.h"

namespace fovea::cli {
namespace {

constexpr int kExitInputsFailed = 2;

struct DetectOptions {
  std::string model;
  std::string labels;
  std::string device = "cpu";
  bool fp16 = false;
  std::string engine_cache_dir;
  bool force_engine_update = false;
  float conf = 0.25f;
  float iou = 0.45f;
  int max_detections = 300;
  bool class_agnostic = false;
  std::string network_size;
  bool no_padding = false;
  int batch = 1;
  std::string decoder = "auto";
  std::string coco_ids = "classid";
  std::vector<std::string> inputs;
  std::string out;
  bool no_images = false;
  bool json = false;
};

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Status parse_network_size(const std::string& text, vision::EncoderParams& enc) {
  const size_t x = text.find_first_of("xX");
  int w = 0, h = 0;
  try {
    size_t used_w = 0, used_h = 0;
    if (x != std::string::npos) {
      w = std::stoi(text.substr(0, x), &used_w);
      h = std::stoi(text.substr(x + 1), &used_h);
    }
    if (x == std::string::npos || used_w != x || used_h != text.size() - x - 1) w = h = 0;
  } catch (const std::exception&) {
    w = h = 0;
  }
  if (w <= 0 || h <= 0 || w > vision::kMaxImageSide || h > vision::kMaxImageSide)
    return invalid_argument("--networkSize '{}': expected WIDTHxHEIGHT, e.g. 640x640", text);
  enc.network_image_width = w;
  enc.network_image_height = h;
  return Status::ok();
}

struct PendingFrame {
  io::DecodedImage image;
  const DetectInput* input = nullptr;
  std::string source;
  int64_t frame_index = -1;  // video frames; -1 for a still image
  int64_t stamp_ns = 0;
  int64_t image_id = 0;      // COCO image_id (still images)
  double read_ms = 0;
};

// Per-stage samples over the run: read per image, the rest per run() call.
struct StageSamples {
  std::vector<double> read, upload, encode, infer, decode, download, end_to_end;
};

nlohmann::ordered_json stats_json(std::vector<double> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  return {{"median", percentile(v, 50)}, {"p99", percentile(v, 99)}, {"count", v.size()}};
}

class DetectRun {
 public:
  DetectRun(const DetectOptions& o, pipeline::VisionModel& model, io::CocoCategoryIds coco_ids)
      : o_(o), model_(model), coco_ids_(coco_ids), coco_(nlohmann::ordered_json::array()) {}

  void process(const DetectInput& in, int64_t image_number) {
    switch (in.kind) {
      case DetectInputKind::kMissing: fail(in.path, in.path + ": no such file or folder"); return;
      case DetectInputKind::kImage: process_image(in, image_number); return;
      case DetectInputKind::kVideo: process_video(in); return;
    }
  }

  // Runs whatever is pending (the last partial batch).
  void flush() {
    if (pending_.empty()) return;
    std::vector<pipeline::Frame> frames;
    for (const PendingFrame& p : pending_) {
      pipeline::Frame f;
      f.image = p.image.view();
      f.source = p.source;
      f.sequence = sequence_++;
      f.header.stamp_ns = p.stamp_ns;
      f.header.frame_id = p.input->output_stem;
      frames.push_back(std::move(f));
    }
    pipeline::StageTimes times;
    auto results = model_.run(frames, &times);
    if (!results.is_ok() && frames.size() > 1) {
      // One bad frame fails the batch: run them one by one to name it and keep the others.
      for (size_t i = 0; i < frames.size(); ++i) {
        auto one = model_.run(std::span<const pipeline::Frame>(&frames[i], 1), &times);
        if (!one.is_ok()) {
          fail(pending_[i].source, one.status().message());
          continue;
        }
        record_times(times, pending_[i].read_ms);
        handle_result(pending_[i], (*one)[0], times);
      }
    } else if (!results.is_ok()) {
      fail(pending_[0].source, results.status().message());
    } else {
      double read = 0;
      for (const PendingFrame& p : pending_) read += p.read_ms;
      record_times(times, read);
      for (size_t i = 0; i < pending_.size(); ++i) handle_result(pending_[i], (*results)[i], times);
    }
    pending_.clear();
  }

  Status finish() {
    flush();
    const std::string path = (std::filesystem::path(o_.out) / "coco_results.json").string();
    return io::write_json_lines_array(path, coco_);
  }

  int failures() const { return static_cast<int>(failures_.size()); }

  void print_summary(double wall_s, int total_inputs) {
    if (o_.json) {
      nlohmann::ordered_json j;
      j["model"] = model_.description();
      j["inputs"] = total_inputs;
      j["images"] = images_done_;
      j["video_frames"] = video_frames_done_;
      j["detections"] = detections_;
      j["failed"] = nlohmann::ordered_json::array();
      for (const auto& [source, message] : failures_) j["failed"].push_back({{"source", source}, {"error", message}});
      j["out"] = o_.out;
      j["wall_s"] = wall_s;
      j["timing_ms"] = {{"read_decode", stats_json(samples_.read)}, {"upload", stats_json(samples_.upload)},
                        {"encode", stats_json(samples_.encode)},     {"infer", stats_json(samples_.infer)},
                        {"decode_nms", stats_json(samples_.decode)}, {"download", stats_json(samples_.download)},
                        {"end_to_end", stats_json(samples_.end_to_end)}};
      std::printf("%s\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
      return;
    }
    std::printf("inputs   %d: %d images, %d video frames, %d detections, %d failed; %.2f s\n", total_inputs, images_done_,
                video_frames_done_, detections_, failures(), wall_s);
    std::printf("output   %s (%sone JSON per image, coco_results.json)\n", o_.out.c_str(),
                o_.no_images ? "" : "annotated images, ");
    std::printf("timing   %-12s %10s %10s %8s\n", "stage", "median ms", "p99 ms", "samples");
    const std::pair<const char*, const std::vector<double>*> rows[] = {
        {"read/decode", &samples_.read}, {"upload", &samples_.upload},         {"encode", &samples_.encode},
        {"infer", &samples_.infer},      {"decode+NMS", &samples_.decode},     {"download", &samples_.download},
        {"end to end", &samples_.end_to_end}};
    for (const auto& [name, v] : rows) {
      if (v->empty()) continue;
      std::vector<double> s = *v;
      std::sort(s.begin(), s.end());
      std::printf("         %-12s %10.3f %10.3f %8zu\n", name, percentile(s, 50), percentile(s, 99), s.size());
    }
    if (o_.batch > 1) std::printf("         (read/decode per image; other stages per batch of up to %d)\n", o_.batch);
    for (const auto& [source, message] : failures_) std::fprintf(stderr, "failed: %s\n", message.c_str());
  }

 private:
  void fail(const std::string& source, const std::string& message) {
    // The message usually names the source already; do not repeat it.
    std::string text = message.find(source) == std::string::npos ? source + ": " + message : message;
    std::fprintf(stderr, "error: %s\n", text.c_str());
    failures_.emplace_back(source, std::move(text));
  }

  void record_times(const pipeline::StageTimes& t, double read_ms) {
    samples_.upload.push_back(t.upload_ms);
    samples_.encode.push_back(t.encode_ms);
    samples_.infer.push_back(t.infer_ms);
    samples_.decode.push_back(t.decode_ms);
    samples_.download.push_back(t.download_ms);
    samples_.end_to_end.push_back(read_ms + t.total_ms());
  }

  void enqueue(PendingFrame frame) {
    pending_.push_back(std::move(frame));
    if (static_cast<int>(pending_.size()) >= o_.batch) flush();
  }

  void process_image(const DetectInput& in, int64_t image_number) {
    const auto start = Clock::now();
    auto image = io::read_image_file(in.path, vision::PixelEncoding::kRgb8);
    if (!image.is_ok()) return fail(in.path, image.status().message());
    PendingFrame p;
    p.read_ms = ms_since(start);
    samples_.read.push_back(p.read_ms);
    p.image = std::move(image).value();
    p.input = &in;
    p.source = in.path;
    p.image_id = io::coco_image_id(in.path, image_number);
    enqueue(std::move(p));
  }

  void process_video(const DetectInput& in) {
    auto reader = io::VideoFileReader::open(in.path);
    if (!reader.is_ok()) return fail(in.path, reader.status().message());
    video_json_ = nlohmann::ordered_json::array();
    video_writer_.reset();
    video_fps_ = (*reader)->fps();
    for (;;) {
      const auto start = Clock::now();
      auto frame = (*reader)->next_frame();
      if (!frame.is_ok()) {
        fail(in.path, frame.status().message());
        break;
      }
      if (!frame->has_value()) break;
      const vision::ImageView& v = **frame;
      PendingFrame p;
      p.image.width = v.width;
      p.image.height = v.height;
      p.image.encoding = vision::PixelEncoding::kBgr8;
      p.image.pixels.resize(static_cast<size_t>(v.width) * v.height * 3);
      for (int y = 0; y < v.height; ++y)
        std::copy_n(v.data + static_cast<size_t>(y) * v.step, static_cast<size_t>(v.width) * 3,
                    p.image.pixels.data() + static_cast<size_t>(y) * v.width * 3);
      p.read_ms = ms_since(start);
      samples_.read.push_back(p.read_ms);
      p.input = &in;
      p.frame_index = (*reader)->frames_read() - 1;
      p.source = fmt::format("{}#frame={}", in.path, p.frame_index);
      p.stamp_ns = (*reader)->last_stamp_ns();
      enqueue(std::move(p));
    }
    flush();  // this video's frames are done before its JSON is written
    if (video_writer_) video_writer_->close();
    video_writer_.reset();
    if (!video_json_.empty()) {
      nlohmann::ordered_json j = {{"source", in.path}, {"fps", video_fps_}, {"frames", std::move(video_json_)}};
      Status s = io::write_json_file(output_path(in, ".json"), j, 1);
      if (!s.is_ok()) fail(in.path, s.message());
    }
  }

  std::string output_path(const DetectInput& in, const std::string& suffix) const {
    return (std::filesystem::path(o_.out) / (in.output_stem + suffix)).string();
  }

  void handle_result(PendingFrame& p, pipeline::FrameResult& r, const pipeline::StageTimes& times) {
    detections_ += static_cast<int>(r.detections.size());
    io::ImageTiming timing{p.read_ms, times};
    nlohmann::ordered_json j = io::frame_result_to_json(r, model_.labels(), &timing);
    if (!o_.no_images) {
      const vision::MutableImageView canvas{p.image.pixels.data(), p.image.width, p.image.height,
                                            static_cast<size_t>(p.image.width) * 3, p.image.encoding};
      Status drawn = vision::draw_results(canvas, r.detections, r.classes, r.mask, model_.labels());
      if (!drawn.is_ok()) return fail(p.source, drawn.message());
    }
    if (p.frame_index >= 0) {
      ++video_frames_done_;
      j["frame"] = p.frame_index;
      video_json_.push_back(std::move(j));
      if (o_.no_images) return;
      if (!video_writer_) {
        auto w = io::VideoFileWriter::open(output_path(*p.input, "_annotated.mp4"), p.image.width, p.image.height,
                                           video_fps_);
        if (!w.is_ok()) return fail(p.source, w.status().message());
        video_writer_ = std::move(w).value();
      }
      Status s = video_writer_->write(p.image.view());
      if (!s.is_ok()) fail(p.source, s.message());
      return;
    }
    ++images_done_;
    Status s = io::write_json_file(output_path(*p.input, ".json"), j, 2);
    if (!s.is_ok()) return fail(p.source, s.message());
    s = io::append_coco_results(r, p.image_id, coco_ids_, coco_);
    if (!s.is_ok()) return fail(p.source, s.message());
    if (!o_.no_images) {
      std::string ext = std::filesystem::path(p.source).extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      s = io::write_image_file(output_path(*p.input, ext == ".jpg" || ext == ".jpeg" ? ".jpg" : ".png"), p.image.view());
      if (!s.is_ok()) fail(p.source, s.message());
    }
  }

  const DetectOptions& o_;
  pipeline::VisionModel& model_;
  io::CocoCategoryIds coco_ids_;
  nlohmann::ordered_json coco_;
  std::vector<PendingFrame> pending_;
  std::vector<std::pair<std::string, std::string>> failures_;
  StageSamples samples_;
  int64_t sequence_ = 0;
  int images_done_ = 0, video_frames_done_ = 0, detections_ = 0;
  // The video being read: its frames' JSON and the annotated video.
  nlohmann::ordered_json video_json_;
  std::unique_ptr<io::VideoFileWriter> video_writer_;
  double video_fps_ = 0;
};

Result<int> run_detect(const DetectOptions& o) {
  pipeline::VisionModelConfig config;
  config.model_path = o.model;
  config.labels_path = o.labels;
  config.device = o.device == "gpu" ? pipeline::ComputeDevice::kGpu : pipeline::ComputeDevice::kCpu;
  config.fp16 = o.fp16;
  config.engine_cache_dir = o.engine_cache_dir;
  config.force_engine_update = o.force_engine_update;
  config.max_batch_size = o.batch;
  if (!o.network_size.empty()) FOVEA_RETURN_IF_ERROR(parse_network_size(o.network_size, config.encoder));
  config.encoder.enable_padding = !o.no_padding;
  FOVEA_ASSIGN_OR_RETURN(config.decoder, pipeline::parse_decoder_kind(o.decoder));
  config.detection.nms.confidence_threshold = o.conf;
  config.detection.nms.nms_threshold = o.iou;
  config.detection.nms.max_detections = o.max_detections;
  config.detection.nms.class_agnostic = o.class_agnostic;
  FOVEA_ASSIGN_OR_RETURN(io::CocoCategoryIds coco_ids, io::parse_coco_category_ids(o.coco_ids));

  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec || !std::filesystem::is_directory(o.out)) return io_error("--out {}: cannot create the folder", o.out);
  const ExpandedInputs expanded = expand_detect_inputs(o.inputs);
  if (expanded.inputs.empty()) return invalid_argument("no inputs: the folders given hold no image files");

  FOVEA_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::VisionModel> model, pipeline::VisionModel::create(config));
  if (!o.json) std::printf("model    %s\n", model->description().c_str());

  const auto start = Clock::now();
  DetectRun run(o, *model, coco_ids);
  const int total = static_cast<int>(expanded.inputs.size());
  {
    ProgressBar progress("detect", total, total > 1 && !o.json);
    int64_t image_number = 0;
    for (int i = 0; i < total; ++i) {
      const DetectInput& in = expanded.inputs[static_cast<size_t>(i)];
      progress.update(i, in.path);
      if (in.kind == DetectInputKind::kImage) ++image_number;
      run.process(in, image_number);
    }
    Status finished = run.finish();
    progress.update(total);
    progress.finish();
    if (!finished.is_ok()) return finished;
  }
  run.print_summary(std::chrono::duration<double>(Clock::now() - start).count(), total);
  return run.failures() ? kExitInputsFailed : 0;
}

}  // namespace

void add_detect_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DetectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "detect",
      "Run a vision model over images, folders and videos: annotated images, JSON per image, coco_results.json, "
      "timing per stage. Exit code 0: all inputs done; 2: some inputs failed (named on stderr); 1: could not start");
  cmd->add_option("--model", o->model, "model.onnx, or model.plan (GPU)")->required();
  cmd->add_option("inputs", o->inputs, "Image files, folders of images (sorted, not recursive), video files")
      ->required();
  cmd->add_option("--out", o->out, "Output folder")->required();
  cmd->add_option("--labels", o->labels, "Labels file, one class name per line");
  cmd->add_option("--device", o->device, "cpu or gpu")->check(CLI::IsMember({"cpu", "gpu"}))->capture_default_str();
  cmd->add_flag("--fp16", o->fp16, "GPU, ONNX model: build the engine in FP16");
  cmd->add_option("--engineCacheDir", o->engine_cache_dir, "GPU, ONNX model: reuse or build plans in this folder");
  cmd->add_flag("--forceEngineUpdate", o->force_engine_update, "With --engineCacheDir: always rebuild the plan");
  cmd->add_option("--conf", o->conf, "Confidence threshold (keep scores above it)")
      ->check(CLI::Range(0.0f, 1.0f))->capture_default_str();
  cmd->add_option("--iou", o->iou, "NMS IoU threshold")->check(CLI::Range(0.0f, 1.0f))->capture_default_str();
  cmd->add_option("--maxDetections", o->max_detections, "Detections kept per image after NMS (<= 0: all)")
      ->capture_default_str();
  cmd->add_flag("--classAgnostic", o->class_agnostic, "NMS across classes");
  cmd->add_option("--networkSize", o->network_size, "Network input WxH (default: the model's input size)");
  cmd->add_flag("--noPadding", o->no_padding, "Stretch to the network size instead of letterboxing");
  cmd->add_option("--batch", o->batch, "Frames per inference")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--decoder", o->decoder, "auto, yolov8, yolov5, yolov8_pose, ssd, classification, segmentation")
      ->capture_default_str();
  cmd->add_option("--cocoCategoryIds", o->coco_ids,
                  "category_id in coco_results.json: classid (as is), plus1, coco91 (80 COCO classes to ids 1..90)")
      ->capture_default_str();
  cmd->add_flag("--noImages", o->no_images, "Do not write annotated images or videos");
  cmd->add_flag("--json", o->json, "Print the run summary (counts, failures, timing) as JSON on stdout");
  cmd->callback([o, &exit_code] {
    auto r = run_detect(*o);
    exit_code = r.is_ok() ? *r : report_error(r.status().message());
  });
}

}  // namespace fovea::cli
