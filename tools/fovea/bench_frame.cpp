// `fovea bench MODEL --frame WxH[:encoding] [--image FILE] [--device gpu|cpu]`: the frame path end
// to end — one camera frame in host memory to detections on the host, through VisionModel
// (upload, encode, infer, decode + NMS, download) — timed per stage and end to end.
#include "bench_frame.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>
#ifdef FOVEA_HAVE_CUDA
#include <cuda_runtime.h>
#endif

#include "io/image_file.h"
#include "pipeline/vision_model.h"
#include "build_flags.h"

namespace fovea::cli {
namespace {

struct FrameSpec {
  int width = 1920;
  int height = 1080;
  vision::PixelEncoding encoding = vision::PixelEncoding::kBgr8;
};

Result<FrameSpec> parse_frame_spec(const std::string& text) {
  FrameSpec spec;
  std::string size = text, encoding;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    size = text.substr(0, colon);
    encoding = text.substr(colon + 1);
  }
  const auto x = size.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("no x");
    spec.width = std::stoi(size.substr(0, x));
    spec.height = std::stoi(size.substr(x + 1));
  } catch (const std::exception&) {
    return invalid_argument("--frame '{}': expected WxH[:encoding], e.g. 1920x1080:bgr8", text);
  }
  if (spec.width <= 0 || spec.height <= 0 || spec.width > vision::kMaxImageSide || spec.height > vision::kMaxImageSide)
    return invalid_argument("--frame '{}': width and height must be in 1..{}", text, vision::kMaxImageSide);
  if (!encoding.empty()) {
    FOVEA_ASSIGN_OR_RETURN(spec.encoding, vision::parse_encoding(encoding));
    if (spec.encoding != vision::PixelEncoding::kBgr8 && spec.encoding != vision::PixelEncoding::kRgb8)
      return invalid_argument("--frame '{}': the benchmark frame is rgb8 or bgr8", text);
  }
  return spec;
}

// The benchmark frame: --image resized (nearest) to the frame size, or a synthetic scene of
// gradients and blocks, so the decoder sees structure rather than noise.
Result<io::DecodedImage> make_frame(const FrameSpec& spec, const std::string& image_path) {
  io::DecodedImage frame;
  frame.width = spec.width;
  frame.height = spec.height;
  frame.encoding = spec.encoding;
  frame.pixels.resize(static_cast<size_t>(spec.width) * spec.height * 3);
  io::DecodedImage source;
  if (!image_path.empty()) {
    FOVEA_ASSIGN_OR_RETURN(source, io::read_image_file(image_path, spec.encoding));
  }
  for (int y = 0; y < spec.height; ++y)
    for (int x = 0; x < spec.width; ++x) {
      uint8_t* px = &frame.pixels[(static_cast<size_t>(y) * spec.width + x) * 3];
      if (!image_path.empty()) {
        const int sx = static_cast<int>(static_cast<int64_t>(x) * source.width / spec.width);
        const int sy = static_cast<int>(static_cast<int64_t>(y) * source.height / spec.height);
        const uint8_t* s = &source.pixels[(static_cast<size_t>(sy) * source.width + sx) * 3];
        std::copy(s, s + 3, px);
      } else {
        const bool block = ((x / 240) + (y / 180)) % 3 == 0;
        px[0] = block ? 30 : static_cast<uint8_t>(x * 255 / spec.width);
        px[1] = block ? 200 : static_cast<uint8_t>(y * 255 / spec.height);
        px[2] = block ? 60 : 128;
      }
    }
  return frame;
}

struct StageSamples {
  std::vector<double> upload, encode, infer, decode, download, end_to_end;
};

nlohmann::json stage_json(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {{"median_ms", percentile(v, 50)}, {"p99_ms", percentile(v, 99)}, {"max_ms", v.back()}};
}

}  // namespace

Status run_frame_bench(const FrameBenchOptions& o) {
  FOVEA_ASSIGN_OR_RETURN(FrameSpec spec, parse_frame_spec(o.frame));
  FOVEA_ASSIGN_OR_RETURN(io::DecodedImage frame_image, make_frame(spec, o.image));
  pipeline::VisionModelConfig config;
  config.model_path = o.model;
  config.device = o.device == "cpu" ? pipeline::ComputeDevice::kCpu : pipeline::ComputeDevice::kGpu;
  config.fp16 = o.fp16;
  config.engine_cache_dir = o.engine_cache_dir;
  config.labels_path = o.labels;
  config.detection.nms.confidence_threshold = o.confidence_threshold;
  config.detection.nms.nms_threshold = o.nms_threshold;
  const auto build_start = std::chrono::steady_clock::now();
  FOVEA_ASSIGN_OR_RETURN(auto model, pipeline::VisionModel::create(config));
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  std::printf("%s\nframe: %dx%d %s in %s host memory%s; set-up %.1f s\n", model->description().c_str(), spec.width,
              spec.height, std::string(vision::encoding_name(spec.encoding)).c_str(),
              o.pinned_frame ? "page-locked" : "pageable",
              o.image.empty() ? " (synthetic)" : (" (from " + o.image + ")").c_str(), setup_s);

  // --pinnedFrame: the frame's memory page-locked, as a camera driver writing into registered
  // buffers delivers it; the upload is then one DMA instead of a staging copy plus a DMA.
  bool registered = false;
  if (o.pinned_frame) {
#ifdef FOVEA_HAVE_CUDA
    if (cudaHostRegister(frame_image.pixels.data(), frame_image.pixels.size(), cudaHostRegisterDefault) != cudaSuccess)
      return invalid_argument("--pinnedFrame: cudaHostRegister failed: {}", cudaGetErrorString(cudaGetLastError()));
    registered = true;
#else
    return unsupported("--pinnedFrame needs a CUDA build");
#endif
  }
  pipeline::Frame frame;
  frame.image = frame_image.view();
  frame.source = o.image.empty() ? "synthetic" : o.image;
  StageSamples samples;
  size_t detections = 0;
  // The CPU path takes ~0.1 s a frame: two warm-up runs are plenty there.
  const int warm_up = config.device == pipeline::ComputeDevice::kCpu ? std::min(2, o.warm_up_iterations) : o.warm_up_iterations;
  const int total = warm_up + o.iterations;
  for (int i = 0; i < total; ++i) {
    pipeline::StageTimes t;
    const auto start = std::chrono::steady_clock::now();
    FOVEA_ASSIGN_OR_RETURN(auto results, model->run(std::span<const pipeline::Frame>(&frame, 1), &t));
    const double e2e = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i < warm_up) continue;
    detections = results.front().detections.size();
    samples.upload.push_back(t.upload_ms);
    samples.encode.push_back(t.encode_ms);
    samples.infer.push_back(t.infer_ms);
    samples.decode.push_back(t.decode_ms);
    samples.download.push_back(t.download_ms);
    samples.end_to_end.push_back(e2e);
  }
#ifdef FOVEA_HAVE_CUDA
  if (registered) cudaHostUnregister(frame_image.pixels.data());
#endif
  nlohmann::json report = {{"model", o.model},
                           {"pinned_frame", registered},
                           {"description", model->description()},
                           {"frame", o.frame},
                           {"image", o.image},
                           {"iterations", o.iterations},
                           {"detections", detections},
                           {"upload", stage_json(samples.upload)},
                           {"encode", stage_json(samples.encode)},
                           {"infer", stage_json(samples.infer)},
                           {"decode_nms", stage_json(samples.decode)},
                           {"download", stage_json(samples.download)},
                           {"end_to_end", stage_json(samples.end_to_end)}};
  std::printf("%-12s %10s %10s %10s\n", "stage", "median ms", "p99 ms", "max ms");
  for (const char* stage : {"upload", "encode", "infer", "decode_nms", "download", "end_to_end"})
    std::printf("%-12s %10.4f %10.4f %10.4f\n", stage, report[stage]["median_ms"].get<double>(),
                report[stage]["p99_ms"].get<double>(), report[stage]["max_ms"].get<double>());
  std::printf("detections per frame: %zu; %d iterations after %d warm-up\n", detections, o.iterations, warm_up);
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << report.dump(2) << "\n";
    if (!f) return invalid_argument("--json: cannot write '{}'", o.json);
  }
  return Status::ok();
}

}  // namespace fovea::cli
