// check_pipeline_config: what parsing cannot know — names that must resolve, files that must
// exist, and each model's image input against the configured network size and batch — so a bad
// config fails before any thread, model or file output exists.
#include <filesystem>
#include <map>
#include <set>

#include "engine/model_import.h"
#include "engine/plan_file.h"
#include "pipeline/crop_selection.h"
#include "pipeline/pipeline_config.h"
#include "vision/result_mapping.h"

namespace fovea::pipeline {
namespace {

namespace fs = std::filesystem;

Status check_file(const std::string& path, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return not_found("{}: {}: no such file", key, path);
  if (!fs::is_regular_file(path, ec)) return invalid_argument("{}: {}: not a regular file", key, path);
  return Status::ok();
}

// The model's image input as the pipeline sees it: batch, height, width (-1: dynamic).
struct ImageInput {
  std::string name;
  std::string shape;
  int64_t batch = -1, height = -1, width = -1;
};

Result<ImageInput> find_image_input(const ModelConfig& m, const std::string& key) {
  const std::string& path = m.vision.model_path;
  Result<Graph> graph = [&]() -> Result<Graph> {
    if (fs::path(path).extension() == ".plan") {
      FOVEA_ASSIGN_OR_RETURN(Plan plan, read_plan_file(path));
      return std::move(plan.graph);
    }
    ModelImportOptions options;
    options.infer_shapes = false;  // the declared input shapes are all that is needed
    options.evaluate_constants = false;
    return load_onnx_model(path, options);
  }();
  if (!graph.is_ok()) return graph.status().with_context(key);
  const Value* input = nullptr;
  std::string names;
  for (const Value* v : graph->inputs) {
    names += (names.empty() ? "" : ", ") + v->name;
    if (m.vision.input_tensor_name.empty() ? graph->inputs.size() == 1 : v->name == m.vision.input_tensor_name) input = v;
  }
  if (!input) {
    if (!m.vision.input_tensor_name.empty())
      return not_found("{}.input_tensor_names[0]: '{}' is not an input of {} (inputs: {})", key,
                       m.vision.input_tensor_name, path, names);
    return invalid_argument("{}.input_tensor_names: {} has {} inputs ({}); name the image input", key, path,
                            graph->inputs.size(), names);
  }
  ImageInput out;
  out.name = input->name;
  if (!input->shape || input->shape->size() != 4)
    return invalid_argument("{}.model_file_path: input '{}' of {} is {}, not an image batch [N,3,H,W] or [N,H,W,3]", key,
                            input->name, path, input->shape ? shape_to_string(*input->shape) : "of unknown rank");
  const Shape& s = *input->shape;
  out.shape = shape_to_string(s);
  const bool nchw = s[1].is_known() && s[1].value == 3;
  const bool nhwc = !nchw && s[3].is_known() && s[3].value == 3;
  if (!nchw && !nhwc)
    return invalid_argument("{}.model_file_path: input '{}' of {} is {}: no dimension of 3 channels at 1 (NCHW) or 3 (NHWC)",
                            key, input->name, path, out.shape);
  auto known = [](const Dim& d) { return d.is_known() ? d.value : int64_t{-1}; };
  out.batch = known(s[0]);
  out.height = known(nchw ? s[2] : s[1]);
  out.width = known(nchw ? s[3] : s[2]);
  return out;
}

Status check_model_input(const ModelConfig& m, const std::string& key) {
  FOVEA_ASSIGN_OR_RETURN(ImageInput in, find_image_input(m, key));
  const vision::EncoderParams& e = m.vision.encoder;
  const std::string file = fs::path(m.vision.model_path).filename().string();
  if (in.width > 0 && e.network_image_width > 0 && e.network_image_width != in.width)
    return invalid_argument("{}.network_image_width: {}, but the input '{}' of {} is {} (width {})", key,
                            e.network_image_width, in.name, file, in.shape, in.width);
  if (in.height > 0 && e.network_image_height > 0 && e.network_image_height != in.height)
    return invalid_argument("{}.network_image_height: {}, but the input '{}' of {} is {} (height {})", key,
                            e.network_image_height, in.name, file, in.shape, in.height);
  if ((in.width < 0 && e.network_image_width <= 0) || (in.height < 0 && e.network_image_height <= 0))
    return invalid_argument("{}.network_image_width: the input '{}' of {} is {} (dynamic size): set "
                            "network_image_width and network_image_height",
                            key, in.name, file, in.shape);
  if (in.batch > 0 && m.vision.max_batch_size > in.batch)
    return invalid_argument("{}.max_batch_size: {}, but the input '{}' of {} is {}: its batch is fixed at {}", key,
                            m.vision.max_batch_size, in.name, file, in.shape, in.batch);
  return Status::ok();
}

bool is_detector(DecoderKind kind) { return kind != DecoderKind::kClassification && kind != DecoderKind::kSegmentation; }

// crops_from names another model, no cycle, one level (the upstream reads sources), the upstream
// a detector and this model a classifier (as far as the config says: `decoder: auto` is checked
// again on the created models), crop_classes known to the upstream's labels.
Status check_chains(const PipelineConfig& c) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < c.models.size(); ++i) index.emplace(c.models[i].name, i);
  for (size_t i = 0; i < c.models.size(); ++i) {
    const ModelConfig& m = c.models[i];
    if (m.crops.from.empty()) continue;
    const std::string key = fmt::format("models[{}]", i);
    auto it = index.find(m.crops.from);
    if (it == index.end()) return not_found("{}.crops_from: no model named '{}'", key, m.crops.from);
    std::string path = m.name;
    for (size_t at = it->second, steps = 0; steps <= c.models.size(); ++steps) {
      path += " -> " + c.models[at].name;
      if (at == i) return invalid_argument("{}.crops_from: {} is a cycle", key, path);
      auto next = index.find(c.models[at].crops.from);
      if (c.models[at].crops.from.empty() || next == index.end()) break;
      at = next->second;
    }
    const ModelConfig& up = c.models[it->second];
    if (!up.crops.from.empty())
      return invalid_argument("{}.crops_from: '{}' reads crops itself (crops_from: '{}'); crops come from a detector that "
                              "reads sources", key, up.name, up.crops.from);
    if (!is_detector(up.vision.decoder))
      return invalid_argument("{}.crops_from: '{}' is not a detector (its decoder is {})", key, up.name,
                              decoder_kind_name(up.vision.decoder));
    if (m.vision.decoder != DecoderKind::kAuto && m.vision.decoder != DecoderKind::kClassification)
      return invalid_argument("{}.decoder: {}, but a model reading crops (crops_from) must be a classifier", key,
                              decoder_kind_name(m.vision.decoder));
    std::vector<std::string> labels;
    if (!up.vision.labels_path.empty()) {
      Result<std::vector<std::string>> loaded = vision::load_labels(up.vision.labels_path);
      if (!loaded.is_ok()) return loaded.status().with_context(fmt::format("models[{}].labels", it->second));
      labels = std::move(loaded).value();
    }
    FOVEA_RETURN_IF_ERROR(resolve_crop_classes(m.crops.classes, labels, key + ".crop_classes").status());
  }
  return Status::ok();
}

}  // namespace

Status check_pipeline_config(const PipelineConfig& c) {
  std::map<std::string, size_t> source_names;  // config and stream names -> source index
  for (size_t i = 0; i < c.sources.size(); ++i) {
    const SourceConfig& s = c.sources[i];
    const std::string key = fmt::format("sources[{}]", i);
    std::set<std::string> names{s.name};
    for (const std::string& n : expanded_source_names(s)) names.insert(n);
    for (const std::string& n : names)
      if (!source_names.emplace(n, i).second) return invalid_argument("{}.name: '{}' is used twice", key, n);
    std::error_code ec;
    if (s.kind == SourceKind::kImageFolder && !fs::is_directory(s.path, ec))
      return not_found("{}.path: {}: no such folder", key, s.path);
    if (s.kind == SourceKind::kMcap) FOVEA_RETURN_IF_ERROR(check_file(s.path, key + ".path"));
    if (s.kind == SourceKind::kVideoFile) {
#ifndef FOVEA_HAVE_OPENCV_VIDEOIO
      return unsupported("{}.type: video_file, but this fovea was built without video support (OpenCV videoio)", key);
#endif
      FOVEA_RETURN_IF_ERROR(check_file(s.path, key + ".path"));
    }
  }
  std::set<std::string> model_names;
  for (size_t i = 0; i < c.models.size(); ++i) {
    const ModelConfig& m = c.models[i];
    const std::string key = fmt::format("models[{}]", i);
    if (!model_names.insert(m.name).second) return invalid_argument("{}.name: '{}' is used twice", key, m.name);
    for (size_t j = 0; j < m.sources.size(); ++j)
      if (!source_names.count(m.sources[j]))
        return not_found("{}.sources[{}]: no source or stream named '{}'", key, j, m.sources[j]);
#ifndef FOVEA_HAVE_CUDA
    if (m.vision.device == ComputeDevice::kGpu)
      return unsupported("{}.device: gpu, but this fovea was built without CUDA (use device: cpu)", key);
#endif
    const bool uses_plan = m.vision.model_path == m.engine_file_path && !m.engine_file_path.empty();
    FOVEA_RETURN_IF_ERROR(check_file(m.vision.model_path, key + (uses_plan ? ".engine_file_path" : ".model_file_path")));
    if (!m.vision.labels_path.empty()) FOVEA_RETURN_IF_ERROR(check_file(m.vision.labels_path, key + ".labels"));
    FOVEA_RETURN_IF_ERROR(check_model_input(m, key));
  }
  FOVEA_RETURN_IF_ERROR(check_chains(c));
  std::set<std::string> sink_names;
  for (size_t i = 0; i < c.sinks.size(); ++i) {
    const SinkConfig& k = c.sinks[i];
    const std::string key = fmt::format("sinks[{}]", i);
    if (!sink_names.insert(k.name).second) return invalid_argument("{}.name: '{}' is used twice", key, k.name);
    for (size_t j = 0; j < k.models.size(); ++j)
      if (!model_names.count(k.models[j])) return not_found("{}.models[{}]: no model named '{}'", key, j, k.models[j]);
#ifndef FOVEA_HAVE_OPENCV_VIDEOIO
    if (k.kind == SinkKind::kAnnotatedVideo)
      return unsupported("{}.type: annotated_video, but this fovea was built without video support (OpenCV videoio)", key);
#endif
  }
  return Status::ok();
}

}  // namespace fovea::pipeline
