#include "pipeline/vision_model_io.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vision/result_mapping.h"

namespace fovea::pipeline {

std::string_view decoder_kind_name(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::kAuto: return "auto";
    case DecoderKind::kYolov8: return "yolov8";
    case DecoderKind::kYolov5: return "yolov5";
    case DecoderKind::kYolov8Pose: return "yolov8_pose";
    case DecoderKind::kSsd: return "ssd";
    case DecoderKind::kClassification: return "classification";
    case DecoderKind::kSegmentation: return "segmentation";
  }
  return "?";
}

Result<DecoderKind> parse_decoder_kind(std::string_view name) {
  for (DecoderKind k : {DecoderKind::kAuto, DecoderKind::kYolov8, DecoderKind::kYolov5, DecoderKind::kYolov8Pose,
                        DecoderKind::kSsd, DecoderKind::kClassification, DecoderKind::kSegmentation})
    if (decoder_kind_name(k) == name) return k;
  return invalid_argument("decoder '{}': expected auto, yolov8, yolov5, yolov8_pose, ssd, classification or "
                          "segmentation", name);
}

std::string_view compute_device_name(ComputeDevice device) { return device == ComputeDevice::kGpu ? "gpu" : "cpu"; }

namespace detail {
namespace {

std::string dims_text(const NamedDims& o) { return fmt::format("output '{}' {}", o.name, dims_to_string(o.dims)); }

bool is_classification_dims(const Dims& d) {
  return (d.size() == 2 && d[1] >= 1) || (d.size() == 4 && d[1] >= 1 && d[2] == 1 && d[3] == 1);
}
bool is_segmentation_dims(const Dims& d) { return d.size() == 4 && d[1] >= 1 && d[2] * d[3] > 1; }

// SSD: two rank-3 outputs with the same anchor count, one of them [B, N, 4].
bool find_ssd(const std::vector<NamedDims>& outputs, DecoderBinding& b) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Dims& box = outputs[i].dims;
    if (box.size() != 3 || box[2] != 4) continue;
    for (size_t j = 0; j < outputs.size(); ++j) {
      const Dims& sc = outputs[j].dims;
      if (j == i || sc.size() != 3 || sc[1] != box[1] || sc[0] != box[0]) continue;
      b.output = i;
      b.scores_output = j;
      return true;
    }
  }
  return false;
}

DecoderKind detect_rank3(const Dims& d, const VisionModelConfig& config, size_t num_labels) {
  const int64_t a = std::min(d[1], d[2]);
  const auto labels = static_cast<int64_t>(num_labels);
  if (labels > 0 && a == 4 + labels) return DecoderKind::kYolov8;
  if (config.num_keypoints > 0 && a == 5 + 3 * static_cast<int64_t>(config.num_keypoints))
    return DecoderKind::kYolov8Pose;
  if (a == 56 || (labels == 1 && a > 5 && (a - 5) % 3 == 0)) return DecoderKind::kYolov8Pose;
  return DecoderKind::kYolov8;
}

}  // namespace

Result<ImageInput> resolve_image_input(const Graph& graph, VisionModelConfig& config) {
  std::vector<const Value*> candidates;
  for (const Value* v : graph.inputs) {
    if (!config.input_tensor_name.empty() ? v->name == config.input_tensor_name
                                          : (v->shape && v->shape->size() == 4))
      candidates.push_back(v);
  }
  if (candidates.empty()) {
    if (!config.input_tensor_name.empty())
      return not_found("input_tensor_name: the model has no input '{}'", config.input_tensor_name);
    return invalid_argument("the model has no rank-4 image input ([N,3,H,W] or [N,H,W,3])");
  }
  if (candidates.size() > 1)
    return invalid_argument("the model has {} rank-4 inputs ('{}', '{}', ...): set input_tensor_name", candidates.size(),
                            candidates[0]->name, candidates[1]->name);
  const Value* in = candidates[0];
  for (const Value* v : graph.inputs)
    if (v != in)
      return unsupported("model input '{}': VisionModel feeds only the image input '{}'", v->name, in->name);
  if (!in->shape || in->shape->size() != 4)
    return invalid_argument("input '{}': shape {} is not rank 4", in->name,
                            in->shape ? shape_to_string(*in->shape) : std::string("unknown"));
  if (in->dtype != DType::kFloat32 && in->dtype != DType::kFloat16)
    return unsupported("input '{}': dtype {} (the image encoder writes float32 or float16)", in->name,
                       dtype_name(in->dtype));
  const Shape& s = *in->shape;
  const bool nchw = s[1].value == 3;
  const bool nhwc = !nchw && s[3].value == 3;
  if (!nchw && !nhwc)
    return unsupported("input '{}': shape {} has no 3-channel dim ([N,3,H,W] or [N,H,W,3] expected)", in->name,
                       shape_to_string(s));
  const Dim& h = nchw ? s[2] : s[1];
  const Dim& w = nchw ? s[3] : s[2];
  vision::EncoderParams& enc = config.encoder;
  auto resolve_side = [&](const Dim& model, int& wanted, const char* field) -> Status {
    if (wanted <= 0) {
      if (!model.is_known())
        return invalid_argument("input '{}': {} is symbolic ({}): set encoder.{}", in->name, field, shape_to_string(s),
                                field);
      wanted = static_cast<int>(model.value);
    } else if (model.is_known() && model.value != wanted) {
      return invalid_argument("encoder.{} {} differs from the model input '{}' {}", field, wanted, in->name,
                              shape_to_string(s));
    }
    return Status::ok();
  };
  FOVEA_RETURN_IF_ERROR(resolve_side(w, enc.network_image_width, "network_image_width"));
  FOVEA_RETURN_IF_ERROR(resolve_side(h, enc.network_image_height, "network_image_height"));
  enc.output_layout = nchw ? vision::OutputLayout::kNchw : vision::OutputLayout::kNhwc;
  enc.output_dtype = in->dtype;
  FOVEA_RETURN_IF_ERROR(vision::validate_encoder_params(enc));
  if (config.max_batch_size < 1) return invalid_argument("max_batch_size: {} (must be >= 1)", config.max_batch_size);
  ImageInput out;
  out.name = in->name;
  if (s[0].is_known()) {
    out.fixed_batch = s[0].value;
    if (config.max_batch_size > out.fixed_batch)
      return invalid_argument("max_batch_size {} exceeds the model input '{}' fixed batch {}", config.max_batch_size,
                              in->name, out.fixed_batch);
  }
  config.input_tensor_name = in->name;
  return out;
}

Result<DecoderBinding> bind_decoder(const std::vector<NamedDims>& outputs, VisionModelConfig& config,
                                    size_t num_labels) {
  if (outputs.empty()) return invalid_argument("the model has no outputs");
  DecoderBinding b;
  DecoderKind kind = config.decoder;
  const Dims& d = outputs[0].dims;
  if (kind == DecoderKind::kAuto) {
    if (outputs.size() >= 2 && find_ssd(outputs, b)) {
      kind = DecoderKind::kSsd;
    } else if (is_segmentation_dims(d)) {
      kind = DecoderKind::kSegmentation;
    } else if (is_classification_dims(d)) {
      kind = DecoderKind::kClassification;
    } else if (d.size() == 3 && d[1] > 0 && d[2] > 0) {
      kind = detect_rank3(d, config, num_labels);
    } else {
      return unsupported("{}: no decoder reads this shape (expected [B,4+nc,N] / [B,N,4+nc] detections, "
                         "[B,C] classes, [B,C,H,W] segmentation or SSD boxes [B,N,4] + scores [B,N,C])",
                         dims_text(outputs[0]));
    }
  } else {
    switch (kind) {
      case DecoderKind::kYolov8:
      case DecoderKind::kYolov5:
      case DecoderKind::kYolov8Pose:
        if (d.size() != 3) return invalid_argument("decoder {}: {} is not rank 3", decoder_kind_name(kind), dims_text(outputs[0]));
        break;
      case DecoderKind::kSsd:
        if (!find_ssd(outputs, b))
          return invalid_argument("decoder ssd: needs boxes [B,N,4] and scores [B,N,C] outputs; the model has {}",
                                  dims_text(outputs[0]) + (outputs.size() > 1 ? ", " + dims_text(outputs[1]) : ""));
        break;
      case DecoderKind::kClassification:
        if (!is_classification_dims(d))
          return invalid_argument("decoder classification: {} is not [B,C] or [B,C,1,1]", dims_text(outputs[0]));
        break;
      case DecoderKind::kSegmentation:
        if (!is_segmentation_dims(d))
          return invalid_argument("decoder segmentation: {} is not [B,C,H,W]", dims_text(outputs[0]));
        break;
      case DecoderKind::kAuto: break;
    }
  }
  b.kind = kind;
  config.decoder = kind;
  return b;
}

Status validate_frames(std::span<const Frame> frames, int max_batch) {
  if (frames.empty()) return invalid_argument("run: no frames");
  if (frames.size() > static_cast<size_t>(max_batch))
    return invalid_argument("run: {} frames exceed max_batch_size {}", frames.size(), max_batch);
  for (const Frame& f : frames) {
    Status s = vision::validate_image_view(f.image);
    if (!s.is_ok()) return s.with_context(fmt::format("frame '{}'", f.source));
    if (f.roi) {
      const vision::CropRoi& r = *f.roi;
      if (r.width <= 0 || r.height <= 0 || r.x < 0 || r.y < 0 || r.x > f.image.width - r.width ||
          r.y > f.image.height - r.height)
        return invalid_argument("frame '{}': roi {}x{} at ({}, {}) is not inside the {}x{} image", f.source, r.width,
                                r.height, r.x, r.y, f.image.width, f.image.height);
    }
  }
  return Status::ok();
}

vision::EncoderParams encoder_params_for(const vision::EncoderParams& params, const Frame& frame) {
  vision::EncoderParams p = params;
  if (frame.roi) p.crop = frame.roi;
  return p;
}

vision::EncoderParams encoder_params_for(const vision::EncoderParams& params, const FrameResult& result) {
  vision::EncoderParams p = params;
  if (result.roi) p.crop = result.roi;
  return p;
}

std::vector<FrameResult> results_for(std::span<const Frame> frames) {
  std::vector<FrameResult> results(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    results[i].header = frames[i].header;
    results[i].source = frames[i].source;
    results[i].sequence = frames[i].sequence;
    results[i].image_width = frames[i].image.width;
    results[i].image_height = frames[i].image.height;
    results[i].roi = frames[i].roi;
  }
  return results;
}

void store_detections(vision::BatchDetections detections, std::vector<FrameResult>& results) {
  for (size_t b = 0; b < results.size() && b < detections.size(); ++b) {
    vision::map_detections_to_source(detections[b], results[b].transform);
    results[b].detections = std::move(detections[b]);
  }
}

Result<Tensor> mask_to_source(const Tensor& mask, int64_t b, const vision::LetterboxTransform& transform,
                              const vision::EncoderParams& params) {
  const int network_width = params.network_image_width, network_height = params.network_image_height;
  if (mask.rank() != 3 || b < 0 || b >= mask.dim(0))
    return invalid_argument("mask: {} has no image {}", dims_to_string(mask.dims()), b);
  if (mask.dtype() != DType::kUInt8 && mask.dtype() != DType::kInt32)
    return unsupported("mask: dtype {}", dtype_name(mask.dtype()));
  const int64_t mh = mask.dim(1), mw = mask.dim(2);
  const int sw = transform.src_w, sh = transform.src_h;
  FOVEA_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(DType::kUInt8, {sh, sw}));
  uint8_t* dst = out.data<uint8_t>();
  const int64_t plane = mh * mw;
  const double fx = static_cast<double>(mw) / network_width, fy = static_cast<double>(mh) / network_height;
  // Source pixels outside the crop ROI have no network pixel.
  const int cx0 = params.crop ? params.crop->x : 0, cy0 = params.crop ? params.crop->y : 0;
  const int cx1 = params.crop ? cx0 + params.crop->width : sw, cy1 = params.crop ? cy0 + params.crop->height : sh;
  for (int y = 0; y < sh; ++y) {
    const double ny = transform.map_to_network(0.0, y + 0.5)[1];
    const int64_t my = std::clamp<int64_t>(static_cast<int64_t>(std::floor(ny * fy)), 0, mh - 1);
    for (int x = 0; x < sw; ++x) {
      uint8_t v = 0;
      if (x >= cx0 && x < cx1 && y >= cy0 && y < cy1) {
        const double nx = transform.map_to_network(x + 0.5, 0.0)[0];
        if (nx >= 0 && ny >= 0 && nx < network_width && ny < network_height) {
          const int64_t mx = std::clamp<int64_t>(static_cast<int64_t>(std::floor(nx * fx)), 0, mw - 1);
          const int64_t i = b * plane + my * mw + mx;
          const int64_t id = mask.dtype() == DType::kUInt8 ? mask.data<uint8_t>()[i] : mask.data<int32_t>()[i];
          v = static_cast<uint8_t>(std::clamp<int64_t>(id, 0, 255));
        }
      }
      dst[static_cast<size_t>(y) * sw + x] = v;
    }
  }
  return out;
}

Status decode_host_outputs(const VisionModelConfig& config, const DecoderBinding& binding,
                           const std::vector<Tensor>& outputs, const std::vector<std::string>& output_names,
                           std::vector<FrameResult>& results) {
  const Tensor& out = outputs.at(binding.output);
  const std::string& name = output_names.at(binding.output);
  switch (binding.kind) {
    case DecoderKind::kYolov8: {
      FOVEA_ASSIGN_OR_RETURN(auto dets, vision::decode_yolov8(out, config.detection, name));
      store_detections(std::move(dets), results);
      return Status::ok();
    }
    case DecoderKind::kYolov5: {
      FOVEA_ASSIGN_OR_RETURN(auto dets, vision::decode_yolov5(out, config.detection, name));
      store_detections(std::move(dets), results);
      return Status::ok();
    }
    case DecoderKind::kYolov8Pose: {
      FOVEA_ASSIGN_OR_RETURN(auto dets, vision::decode_yolov8_pose(out, config.detection, config.num_keypoints, name));
      store_detections(std::move(dets), results);
      return Status::ok();
    }
    case DecoderKind::kSsd: {
      vision::SsdParams p = config.ssd;
      p.decoder = config.detection;
      p.input_width = config.encoder.network_image_width;
      p.input_height = config.encoder.network_image_height;
      FOVEA_ASSIGN_OR_RETURN(auto dets, vision::decode_ssd(out, outputs.at(binding.scores_output), p, name,
                                                           output_names.at(binding.scores_output)));
      store_detections(std::move(dets), results);
      return Status::ok();
    }
    case DecoderKind::kClassification: {
      FOVEA_ASSIGN_OR_RETURN(auto classes, vision::decode_classification(out, config.classification, name));
      for (size_t b = 0; b < results.size() && b < classes.size(); ++b) results[b].classes = std::move(classes[b]);
      return Status::ok();
    }
    case DecoderKind::kSegmentation: {
      FOVEA_ASSIGN_OR_RETURN(Tensor mask, vision::decode_segmentation(out, config.segmentation, name));
      for (size_t b = 0; b < results.size() && static_cast<int64_t>(b) < mask.dim(0); ++b) {
        FOVEA_ASSIGN_OR_RETURN(results[b].mask,
                               mask_to_source(mask, static_cast<int64_t>(b), results[b].transform, encoder_params_for(config.encoder, results[b])));
      }
      return Status::ok();
    }
    case DecoderKind::kAuto: break;
  }
  return internal_error("decoder not resolved");
}

std::string describe_model(const VisionModelConfig& config, const std::vector<NamedDims>& outputs,
                           const DecoderBinding& binding, size_t num_labels) {
  const Dims& d = outputs.at(binding.output).dims;
  int64_t classes = static_cast<int64_t>(num_labels);
  std::string what;
  switch (binding.kind) {
    case DecoderKind::kYolov8:
      what = "YOLOv8 detector";
      if (!classes) classes = std::min(d[1], d[2]) - 4;
      break;
    case DecoderKind::kYolov5:
      what = "YOLOv5 detector";
      if (!classes) classes = std::min(d[1], d[2]) - 5;
      break;
    case DecoderKind::kYolov8Pose: {
      const int64_t k = config.num_keypoints > 0 ? config.num_keypoints : (std::min(d[1], d[2]) - 5) / 3;
      what = fmt::format("YOLOv8-pose detector ({} keypoints)", k);
      if (!classes) classes = 1;
      break;
    }
    case DecoderKind::kSsd:
      what = "SSD detector";
      if (!classes) classes = outputs.at(binding.scores_output).dims[2];
      break;
    case DecoderKind::kClassification:
      what = "classifier";
      if (!classes) classes = d[1];
      break;
    case DecoderKind::kSegmentation:
      what = "segmenter";
      if (!classes) classes = d[1] == 1 ? 2 : d[1];
      break;
    case DecoderKind::kAuto: what = "model"; break;
  }
  return fmt::format("{} {}x{}, {} classes", what, config.encoder.network_image_width,
                     config.encoder.network_image_height, classes);
}

}  // namespace detail
}  // namespace fovea::pipeline
