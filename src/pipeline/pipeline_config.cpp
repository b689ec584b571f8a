// Parsing of the pipeline YAML. Every map is read through MapReader, which knows its key path
// and the keys it allows, so an unknown key or a value of the wrong type is an error naming the
// exact place (`models[0].network_image_width: expected an integer, got 'wide'`).
#include "pipeline/pipeline_config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace fovea::pipeline {
namespace {

namespace fs = std::filesystem;

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {}

  // The node must be a map whose keys are all in `allowed`.
  Status check(std::initializer_list<const char*> allowed) const {
    if (!node_.IsMap()) return invalid_argument("{}: expected a map of keys, got {}", where(), describe(node_));
    std::set<std::string> ok(allowed.begin(), allowed.end()), seen;
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      if (!seen.insert(key).second) return invalid_argument("{}: the key appears twice", key_path(key));
      if (!ok.count(key)) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return invalid_argument("{}: unknown key (allowed here: {})", key_path(key), list);
      }
    }
    return Status::ok();
  }

  bool has(const char* key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }
  YAML::Node get(const char* key) const { return node_[key]; }
  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& path() const { return path_; }

  template <typename T>
  Status read(const char* key, T& out, const char* expected) const {
    if (!has(key)) return Status::ok();
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) return invalid_argument("{}: expected {}, got {}", key_path(key), expected, describe(n));
    try {
      out = n.as<T>();
    } catch (const YAML::Exception&) {
      return invalid_argument("{}: expected {}, got {}", key_path(key), expected, describe(n));
    }
    return Status::ok();
  }
  Status read_int(const char* key, int& out) const { return read(key, out, "an integer"); }
  Status read_int64(const char* key, int64_t& out) const { return read(key, out, "an integer"); }
  Status read_bool(const char* key, bool& out) const { return read(key, out, "true or false"); }
  Status read_string(const char* key, std::string& out) const { return read(key, out, "a string"); }
  Status read_double(const char* key, double& out) const {
    FOVEA_RETURN_IF_ERROR(read(key, out, "a number"));
    if (has(key) && !std::isfinite(out)) return invalid_argument("{}: must be a finite number", key_path(key));
    return Status::ok();
  }
  Status read_float(const char* key, float& out) const {
    double d = out;
    FOVEA_RETURN_IF_ERROR(read_double(key, d));
    out = static_cast<float>(d);
    return Status::ok();
  }
  // A list of scalars (a single scalar is accepted as a list of one).
  template <typename T>
  Status read_list(const char* key, std::vector<T>& out, const char* expected) const {
    if (!has(key)) return Status::ok();
    const YAML::Node n = node_[key];
    out.clear();
    if (n.IsScalar()) {
      T v;
      FOVEA_RETURN_IF_ERROR(read(key, v, expected));
      out.push_back(v);
      return Status::ok();
    }
    if (!n.IsSequence()) return invalid_argument("{}: expected a list of {}, got {}", key_path(key), expected, describe(n));
    for (size_t i = 0; i < n.size(); ++i) {
      try {
        if (!n[i].IsScalar()) throw YAML::Exception(YAML::Mark(), "not a scalar");
        out.push_back(n[i].as<T>());
      } catch (const YAML::Exception&) {
        return invalid_argument("{}[{}]: expected {}, got {}", key_path(key), i, expected, describe(n[i]));
      }
    }
    return Status::ok();
  }

 private:
  std::string where() const { return path_.empty() ? "the top level" : path_; }
  YAML::Node node_;
  std::string path_;
};

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

Status parse_queue(const MapReader& r, QueueConfig& q) {
  FOVEA_RETURN_IF_ERROR(r.check({"depth", "policy"}));
  FOVEA_RETURN_IF_ERROR(r.read_int("depth", q.depth));
  if (q.depth < 1 || q.depth > 65536) return invalid_argument("{}: {} is not in [1, 65536]", r.key_path("depth"), q.depth);
  if (r.has("policy")) {
    std::string p;
    FOVEA_RETURN_IF_ERROR(r.read_string("policy", p));
    Result<QueuePolicy> policy = parse_queue_policy(p);
    if (!policy.is_ok()) return policy.status().with_context(r.key_path("policy"));
    q.policy = *policy;
  }
  return Status::ok();
}

// A ROS 2 `qos` block: a profile name or a map, kept as YAML text for io/ros2 (qos_from_yaml).
Status read_qos_yaml(const MapReader& r, std::string& out) {
  if (!r.has("qos")) return Status::ok();
  const YAML::Node n = r.get("qos");
  if (n.IsScalar()) {
    YAML::Node map(YAML::NodeType::Map);
    map["profile"] = n.Scalar();
    out = YAML::Dump(map);
  } else if (n.IsMap()) {
    out = YAML::Dump(n);
  } else {
    return invalid_argument("{}: expected a profile name or a map, got {}", r.key_path("qos"), describe(n));
  }
  return Status::ok();
}

// type: ros2_image (topic, compressed, qos, frame_id, queue, camera_info_topic, camera_info_wait_ms).
Status parse_ros2_source(const MapReader& r, SourceConfig& s) {
#ifndef FOVEA_HAVE_ROS2
  return unsupported("{}: ros2_image, but this build has no ROS 2 (Cyclone DDS)", r.key_path("type"));
#endif
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "topic", "compressed", "qos", "frame_id", "queue", "camera_info_topic",
                                 "camera_info_wait_ms"}));
  s.kind = SourceKind::kRos2Image;
  s.fps = 0;
  FOVEA_RETURN_IF_ERROR(r.read_string("name", s.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("topic", s.topic));
  FOVEA_RETURN_IF_ERROR(r.read_bool("compressed", s.compressed));
  FOVEA_RETURN_IF_ERROR(read_qos_yaml(r, s.qos_yaml));
  FOVEA_RETURN_IF_ERROR(r.read_string("frame_id", s.frame_id));
  if (r.has("queue")) {
    QueueConfig q;
    FOVEA_RETURN_IF_ERROR(parse_queue(MapReader(r.get("queue"), r.key_path("queue")), q));
    s.queue = q;
  }
  FOVEA_RETURN_IF_ERROR(r.read_string("camera_info_topic", s.camera_info_topic));
  FOVEA_RETURN_IF_ERROR(r.read_double("camera_info_wait_ms", s.camera_info_wait_ms));
  if (s.name.empty()) return invalid_argument("{}: missing (every source needs a name)", r.key_path("name"));
  if (s.topic.empty()) return invalid_argument("{}: missing (the ROS topic to subscribe)", r.key_path("topic"));
  if (!(s.camera_info_wait_ms >= 0 && s.camera_info_wait_ms <= 1000))
    return invalid_argument("{}: {} is outside [0, 1000] ms", r.key_path("camera_info_wait_ms"), s.camera_info_wait_ms);
  return Status::ok();
}

// type: mcap (path, topic, rate: recorded | max | a multiple, loop, frame_id, queue).
Status parse_mcap_source(const MapReader& r, const std::string& base_dir, SourceConfig& s) {
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "path", "topic", "rate", "loop", "frame_id", "queue"}));
  s.kind = SourceKind::kMcap;
  s.fps = 0;
  FOVEA_RETURN_IF_ERROR(r.read_string("name", s.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("path", s.path));
  FOVEA_RETURN_IF_ERROR(r.read_string("topic", s.topic));
  if (r.has("rate")) {
    const YAML::Node n = r.get("rate");
    const std::string text = n.IsScalar() ? n.Scalar() : std::string();
    if (text == "recorded") s.replay_rate = 1;
    else if (text == "max") s.replay_rate = 0;
    else {
      FOVEA_RETURN_IF_ERROR(r.read("rate", s.replay_rate, "recorded, max or a positive multiple of the recorded rate"));
      if (!(s.replay_rate > 0 && s.replay_rate <= 1000))
        return invalid_argument("{}: {} is not recorded, max or a multiple in (0, 1000]", r.key_path("rate"), s.replay_rate);
    }
  }
  FOVEA_RETURN_IF_ERROR(r.read_bool("loop", s.loop));
  FOVEA_RETURN_IF_ERROR(r.read_string("frame_id", s.frame_id));
  if (r.has("queue")) {
    QueueConfig q;
    FOVEA_RETURN_IF_ERROR(parse_queue(MapReader(r.get("queue"), r.key_path("queue")), q));
    s.queue = q;
  }
  if (s.name.empty()) return invalid_argument("{}: missing (every source needs a name)", r.key_path("name"));
  if (s.path.empty()) return invalid_argument("{}: missing (the .mcap bag to replay)", r.key_path("path"));
  s.path = resolve(base_dir, s.path);
  return Status::ok();
}

Status parse_source(const MapReader& r, const std::string& base_dir, SourceConfig& s) {
  if (r.get("type").IsDefined() && r.get("type").IsScalar() && r.get("type").Scalar() == "ros2_image")
    return parse_ros2_source(r, s);
  if (r.get("type").IsDefined() && r.get("type").IsScalar() && r.get("type").Scalar() == "mcap")
    return parse_mcap_source(r, base_dir, s);
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "path", "streams", "fps", "width", "height", "encoding", "frames",
                                 "loop", "frame_id", "queue"}));
  std::string type;
  if (!r.has("type")) return invalid_argument("{}: missing (synthetic, image_folder or video_file)", r.key_path("type"));
  FOVEA_RETURN_IF_ERROR(r.read_string("type", type));
  if (type == "synthetic") s.kind = SourceKind::kSynthetic;
  else if (type == "image_folder") s.kind = SourceKind::kImageFolder;
  else if (type == "video_file") s.kind = SourceKind::kVideoFile;
  else return invalid_argument("{}: unknown source type '{}' (synthetic, image_folder, video_file, ros2_image, mcap)", r.key_path("type"), type);
  FOVEA_RETURN_IF_ERROR(r.read_string("name", s.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("path", s.path));
  FOVEA_RETURN_IF_ERROR(r.read_int("streams", s.streams));
  if (s.kind != SourceKind::kSynthetic) s.fps = 0;
  FOVEA_RETURN_IF_ERROR(r.read_double("fps", s.fps));
  FOVEA_RETURN_IF_ERROR(r.read_int("width", s.width));
  FOVEA_RETURN_IF_ERROR(r.read_int("height", s.height));
  FOVEA_RETURN_IF_ERROR(r.read_string("encoding", s.encoding));
  FOVEA_RETURN_IF_ERROR(r.read_int64("frames", s.frames));
  FOVEA_RETURN_IF_ERROR(r.read_bool("loop", s.loop));
  FOVEA_RETURN_IF_ERROR(r.read_string("frame_id", s.frame_id));
  if (r.has("queue")) {
    QueueConfig q;
    FOVEA_RETURN_IF_ERROR(parse_queue(MapReader(r.get("queue"), r.key_path("queue")), q));
    s.queue = q;
  }
  if (s.name.empty()) return invalid_argument("{}: missing (every source needs a name)", r.key_path("name"));
  if (s.kind == SourceKind::kSynthetic) {
    if (s.streams < 1 || s.streams > 4096) return invalid_argument("{}: {} is not in [1, 4096]", r.key_path("streams"), s.streams);
    if (s.fps <= 0 || s.fps > 10000) return invalid_argument("{}: {} is not in (0, 10000]", r.key_path("fps"), s.fps);
    if (s.width < 16 || s.width > 16384) return invalid_argument("{}: {} is not in [16, 16384]", r.key_path("width"), s.width);
    if (s.height < 16 || s.height > 16384) return invalid_argument("{}: {} is not in [16, 16384]", r.key_path("height"), s.height);
    if (s.frames < 0) return invalid_argument("{}: {} is negative", r.key_path("frames"), s.frames);
    if (!s.path.empty()) return invalid_argument("{}: a synthetic source reads no files", r.key_path("path"));
  } else {
    if (s.path.empty()) return invalid_argument("{}: missing (the {} to read)", r.key_path("path"),
                                                s.kind == SourceKind::kImageFolder ? "folder" : "video file");
    if (s.fps < 0 || s.fps > 10000) return invalid_argument("{}: {} is not in [0, 10000]", r.key_path("fps"), s.fps);
    if (r.has("streams") || r.has("width") || r.has("height") || r.has("frames"))
      return invalid_argument("{}: streams, width, height and frames apply to synthetic sources only", r.path());
    s.path = resolve(base_dir, s.path);
  }
  if (s.encoding != "rgb8" && s.encoding != "bgr8")
    return invalid_argument("{}: '{}' is not rgb8 or bgr8", r.key_path("encoding"), s.encoding);
  return Status::ok();
}

Status read_triple(const MapReader& r, const char* key, std::array<float, 3>& out) {
  std::vector<double> v;
  FOVEA_RETURN_IF_ERROR(r.read_list(key, v, "a number"));
  if (!r.has(key)) return Status::ok();
  if (v.size() != 3) return invalid_argument("{}: expected 3 values (R, G, B), got {}", r.key_path(key), v.size());
  for (size_t i = 0; i < 3; ++i) {
    if (!std::isfinite(v[i])) return invalid_argument("{}[{}]: must be finite", r.key_path(key), i);
    out[i] = static_cast<float>(v[i]);
  }
  return Status::ok();
}

// crops_from and the crop_* keys of a model (the latter only with the former; crops_from excludes sources).
Status parse_crops(const MapReader& r, CropConfig& c) {
  FOVEA_RETURN_IF_ERROR(r.read_string("crops_from", c.from));
  if (r.has("crops_from") && c.from.empty()) return invalid_argument("{}: must name a model", r.key_path("crops_from"));
  if (c.from.empty()) {
    for (const char* key : {"crop_classes", "crop_min_score", "crop_padding", "crop_min_size", "max_crops_per_frame"})
      if (r.has(key)) return invalid_argument("{}: applies only to a model with crops_from", r.key_path(key));
    return Status::ok();
  }
  if (r.has("sources"))
    return invalid_argument("{}: a model reads either sources or the crops of another model (crops_from), not both",
                            r.key_path("sources"));
  FOVEA_RETURN_IF_ERROR(r.read_list("crop_classes", c.classes, "a label or class id"));
  if (r.has("crop_min_score")) {
    float score = 0;
    FOVEA_RETURN_IF_ERROR(r.read_float("crop_min_score", score));
    if (score < 0 || score > 1) return invalid_argument("{}: {} is not in [0, 1]", r.key_path("crop_min_score"), score);
    c.min_score = score;
  }
  FOVEA_RETURN_IF_ERROR(r.read_float("crop_padding", c.padding));
  if (c.padding < 0 || c.padding > 10) return invalid_argument("{}: {} is not in [0, 10]", r.key_path("crop_padding"), c.padding);
  FOVEA_RETURN_IF_ERROR(r.read_int("crop_min_size", c.min_size));
  if (c.min_size < 0 || c.min_size > 65536)
    return invalid_argument("{}: {} is not in [0, 65536]", r.key_path("crop_min_size"), c.min_size);
  FOVEA_RETURN_IF_ERROR(r.read_int("max_crops_per_frame", c.max_crops_per_frame));
  if (c.max_crops_per_frame < 1 || c.max_crops_per_frame > 1024)
    return invalid_argument("{}: {} is not in [1, 1024]", r.key_path("max_crops_per_frame"), c.max_crops_per_frame);
  return Status::ok();
}

Status parse_model(const MapReader& r, const std::string& base_dir, ModelConfig& m) {
  FOVEA_RETURN_IF_ERROR(r.check({"name", "model_file_path", "engine_file_path", "engine_cache_dir", "force_engine_update",
                                 "device", "precision", "input_tensor_names", "network_image_width",
                                 "network_image_height", "image_mean", "image_stddev", "enable_padding",
                                 "confidence_threshold", "nms_threshold", "num_classes", "max_detections",
                                 "class_agnostic", "max_batch_size", "labels", "decoder", "instances", "sources",
                                 "preferred_batch_sizes", "crops_from", "crop_classes", "crop_min_score", "crop_padding",
                                 "crop_min_size", "max_crops_per_frame"}));
  VisionModelConfig& v = m.vision;
  v.encoder.network_image_width = 0;  // 0: from the model's input shape
  v.encoder.network_image_height = 0;
  FOVEA_RETURN_IF_ERROR(r.read_string("name", m.name));
  if (m.name.empty()) return invalid_argument("{}: missing (every model needs a name)", r.key_path("name"));
  FOVEA_RETURN_IF_ERROR(r.read_string("model_file_path", m.model_file_path));
  FOVEA_RETURN_IF_ERROR(r.read_string("engine_file_path", m.engine_file_path));
  FOVEA_RETURN_IF_ERROR(r.read_string("engine_cache_dir", v.engine_cache_dir));
  FOVEA_RETURN_IF_ERROR(r.read_bool("force_engine_update", v.force_engine_update));
  if (m.model_file_path.empty() && m.engine_file_path.empty())
    return invalid_argument("{}: missing (or engine_file_path)", r.key_path("model_file_path"));
  m.model_file_path = resolve(base_dir, m.model_file_path);
  m.engine_file_path = resolve(base_dir, m.engine_file_path);
  v.engine_cache_dir = resolve(base_dir, v.engine_cache_dir);
  std::string device = "cpu", precision = "fp32", decoder = "auto";
  FOVEA_RETURN_IF_ERROR(r.read_string("device", device));
  if (device == "cpu") v.device = ComputeDevice::kCpu;
  else if (device == "gpu") v.device = ComputeDevice::kGpu;
  else return invalid_argument("{}: '{}' is not cpu or gpu", r.key_path("device"), device);
  FOVEA_RETURN_IF_ERROR(r.read_string("precision", precision));
  if (precision != "fp32" && precision != "fp16")
    return invalid_argument("{}: '{}' is not fp32 or fp16", r.key_path("precision"), precision);
  v.fp16 = precision == "fp16";
  if (v.fp16 && v.device == ComputeDevice::kCpu)
    return invalid_argument("{}: fp16 needs device: gpu (the CPU path runs fp32)", r.key_path("precision"));
  // A plan runs on the GPU only; with both given, the plan is used when it exists (Isaac ROS).
  v.model_path = m.model_file_path;
  if (!m.engine_file_path.empty() && (m.model_file_path.empty() || fs::exists(m.engine_file_path))) {
    if (v.device == ComputeDevice::kCpu)
      return invalid_argument("{}: a plan runs on the GPU only (set device: gpu, or use model_file_path)",
                              r.key_path("engine_file_path"));
    v.model_path = m.engine_file_path;
  }
  std::vector<std::string> inputs;
  FOVEA_RETURN_IF_ERROR(r.read_list("input_tensor_names", inputs, "a tensor name"));
  if (inputs.size() > 1)
    return invalid_argument("{}: the model stage feeds one image input, got {} names", r.key_path("input_tensor_names"),
                            inputs.size());
  if (!inputs.empty()) v.input_tensor_name = inputs[0];
  FOVEA_RETURN_IF_ERROR(r.read_int("network_image_width", v.encoder.network_image_width));
  FOVEA_RETURN_IF_ERROR(r.read_int("network_image_height", v.encoder.network_image_height));
  for (const char* key : {"network_image_width", "network_image_height"}) {
    const int value = std::string(key) == "network_image_width" ? v.encoder.network_image_width : v.encoder.network_image_height;
    if (r.has(key) && (value < 1 || value > 8192)) return invalid_argument("{}: {} is not in [1, 8192]", r.key_path(key), value);
  }
  FOVEA_RETURN_IF_ERROR(read_triple(r, "image_mean", v.encoder.image_mean));
  FOVEA_RETURN_IF_ERROR(read_triple(r, "image_stddev", v.encoder.image_stddev));
  for (size_t i = 0; i < 3; ++i)
    if (v.encoder.image_stddev[i] == 0.0f) return invalid_argument("{}[{}]: must not be 0", r.key_path("image_stddev"), i);
  FOVEA_RETURN_IF_ERROR(r.read_bool("enable_padding", v.encoder.enable_padding));
  FOVEA_RETURN_IF_ERROR(r.read_float("confidence_threshold", v.detection.nms.confidence_threshold));
  FOVEA_RETURN_IF_ERROR(r.read_float("nms_threshold", v.detection.nms.nms_threshold));
  if (v.detection.nms.nms_threshold < 0 || v.detection.nms.nms_threshold > 1)
    return invalid_argument("{}: {} is not in [0, 1]", r.key_path("nms_threshold"), v.detection.nms.nms_threshold);
  FOVEA_RETURN_IF_ERROR(r.read_int("num_classes", v.detection.num_classes));
  if (r.has("num_classes") && v.detection.num_classes < 1)
    return invalid_argument("{}: {} must be >= 1", r.key_path("num_classes"), v.detection.num_classes);
  FOVEA_RETURN_IF_ERROR(r.read_int("max_detections", v.detection.nms.max_detections));
  FOVEA_RETURN_IF_ERROR(r.read_bool("class_agnostic", v.detection.nms.class_agnostic));
  FOVEA_RETURN_IF_ERROR(r.read_int("max_batch_size", v.max_batch_size));
  if (v.max_batch_size < 1 || v.max_batch_size > 1024)
    return invalid_argument("{}: {} is not in [1, 1024]", r.key_path("max_batch_size"), v.max_batch_size);
  FOVEA_RETURN_IF_ERROR(r.read_string("labels", v.labels_path));
  v.labels_path = resolve(base_dir, v.labels_path);
  FOVEA_RETURN_IF_ERROR(r.read_string("decoder", decoder));
  Result<DecoderKind> kind = parse_decoder_kind(decoder);
  if (!kind.is_ok()) return kind.status().with_context(r.key_path("decoder"));
  v.decoder = *kind;
  FOVEA_RETURN_IF_ERROR(r.read_int("instances", m.instances));
  if (m.instances < 1 || m.instances > 64) return invalid_argument("{}: {} is not in [1, 64]", r.key_path("instances"), m.instances);
  FOVEA_RETURN_IF_ERROR(r.read_list("sources", m.sources, "a source name"));
  FOVEA_RETURN_IF_ERROR(r.read_list("preferred_batch_sizes", m.preferred_batch_sizes, "an integer"));
  for (size_t i = 0; i < m.preferred_batch_sizes.size(); ++i)
    if (m.preferred_batch_sizes[i] < 1 || m.preferred_batch_sizes[i] > v.max_batch_size)
      return invalid_argument("{}[{}]: {} is not in [1, max_batch_size = {}]", r.key_path("preferred_batch_sizes"), i,
                              m.preferred_batch_sizes[i], v.max_batch_size);
  return parse_crops(r, m.crops);
}

// type: ros2_detections | ros2_classification | ros2_mask | ros2_annotated_image.
Status parse_ros2_sink(const MapReader& r, const std::string& type, SinkConfig& k, size_t index) {
#ifndef FOVEA_HAVE_ROS2
  return unsupported("{}: {}, but this build has no ROS 2 (Cyclone DDS)", r.key_path("type"), type);
#endif
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "topic", "qos", "label_info_topic", "class_id_format", "color", "encoding",
                                 "models", "queue_depth"}));
  k.kind = type == "ros2_detections" ? SinkKind::kRos2Detections
           : type == "ros2_classification" ? SinkKind::kRos2Classification
           : type == "ros2_mask" ? SinkKind::kRos2Mask
                                 : SinkKind::kRos2AnnotatedImage;
  // The annotated image carries its labels drawn in: no class ids, so no LabelInfo either.
  if (k.kind == SinkKind::kRos2AnnotatedImage) {
    k.label_info_topic = "none";
    for (const char* key : {"label_info_topic", "class_id_format"})
      if (r.has(key)) return invalid_argument("{}: does not apply to ros2_annotated_image sinks", r.key_path(key));
  }
  FOVEA_RETURN_IF_ERROR(r.read_string("encoding", k.image_encoding));
  if (r.has("encoding") && k.kind != SinkKind::kRos2AnnotatedImage)
    return invalid_argument("{}: applies to ros2_annotated_image sinks only", r.key_path("encoding"));
  if (k.image_encoding != "bgr8" && k.image_encoding != "rgb8")
    return invalid_argument("{}: '{}' is not bgr8 or rgb8", r.key_path("encoding"), k.image_encoding);
  k.name = type + "_" + std::to_string(index);
  FOVEA_RETURN_IF_ERROR(r.read_string("name", k.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("topic", k.topic));
  if (k.topic.empty()) return invalid_argument("{}: missing (the ROS topic to publish)", r.key_path("topic"));
  FOVEA_RETURN_IF_ERROR(read_qos_yaml(r, k.qos_yaml));
  FOVEA_RETURN_IF_ERROR(r.read_string("label_info_topic", k.label_info_topic));
  FOVEA_RETURN_IF_ERROR(r.read_string("class_id_format", k.class_id_format));
  if (k.class_id_format != "index" && k.class_id_format != "label")
    return invalid_argument("{}: '{}' is not index or label", r.key_path("class_id_format"), k.class_id_format);
  FOVEA_RETURN_IF_ERROR(r.read_bool("color", k.color));
  if (r.has("color") && k.kind != SinkKind::kRos2Mask)
    return invalid_argument("{}: applies to ros2_mask sinks only", r.key_path("color"));
  FOVEA_RETURN_IF_ERROR(r.read_list("models", k.models, "a model name"));
  FOVEA_RETURN_IF_ERROR(r.read_int("queue_depth", k.queue_depth));
  if (k.queue_depth < 1 || k.queue_depth > 65536)
    return invalid_argument("{}: {} is not in [1, 65536]", r.key_path("queue_depth"), k.queue_depth);
  return Status::ok();
}

// type: mcap (path, compression, topic, record_images, models, queue_depth). The compression
// must be built in (FOVEA_HAVE_ZSTD / FOVEA_HAVE_LZ4 come with the fovea target's libraries).
Status parse_mcap_sink(const MapReader& r, const std::string& base_dir, SinkConfig& k, size_t index) {
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "path", "compression", "topic", "record_images", "models", "queue_depth"}));
  k.kind = SinkKind::kMcap;
  k.name = "mcap_" + std::to_string(index);
  k.topic = "/fovea/detections";
  FOVEA_RETURN_IF_ERROR(r.read_string("name", k.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("path", k.path));
  if (k.path.empty()) return invalid_argument("{}: missing (the .mcap file to record)", r.key_path("path"));
  k.path = resolve(base_dir, k.path);
  FOVEA_RETURN_IF_ERROR(r.read_string("compression", k.compression));
  if (k.compression != "zstd" && k.compression != "lz4" && k.compression != "none")
    return invalid_argument("{}: '{}' is not zstd, lz4 or none", r.key_path("compression"), k.compression);
#ifndef FOVEA_HAVE_ZSTD
  if (k.compression == "zstd")
    return unsupported("{}: zstd, but this build has no libzstd (use lz4 or none)", r.key_path("compression"));
#endif
#ifndef FOVEA_HAVE_LZ4
  if (k.compression == "lz4")
    return unsupported("{}: lz4, but this build has no liblz4 (use zstd or none)", r.key_path("compression"));
#endif
  FOVEA_RETURN_IF_ERROR(r.read_string("topic", k.topic));
  if (k.topic.empty()) return invalid_argument("{}: must not be empty", r.key_path("topic"));
  FOVEA_RETURN_IF_ERROR(r.read_bool("record_images", k.record_images));
  FOVEA_RETURN_IF_ERROR(r.read_list("models", k.models, "a model name"));
  FOVEA_RETURN_IF_ERROR(r.read_int("queue_depth", k.queue_depth));
  if (k.queue_depth < 1 || k.queue_depth > 65536)
    return invalid_argument("{}: {} is not in [1, 65536]", r.key_path("queue_depth"), k.queue_depth);
  return Status::ok();
}

Status parse_sink(const MapReader& r, const std::string& base_dir, SinkConfig& k, size_t index) {
  if (r.get("type").IsDefined() && r.get("type").IsScalar()) {
    const std::string type = r.get("type").Scalar();
    if (type == "ros2_detections" || type == "ros2_classification" || type == "ros2_mask" ||
        type == "ros2_annotated_image")
      return parse_ros2_sink(r, type, k, index);
    if (type == "mcap") return parse_mcap_sink(r, base_dir, k, index);
  }
  FOVEA_RETURN_IF_ERROR(r.check({"name", "type", "path", "format", "fps", "models", "queue_depth"}));
  std::string type;
  const YAML::Node type_node = r.get("type");
  if (!type_node.IsDefined())
    return invalid_argument("{}: missing (json_lines, annotated_images, annotated_video or null)", r.key_path("type"));
  if (type_node.IsNull()) type = "null";  // `type: null` reads as YAML's null: the null sink
  else FOVEA_RETURN_IF_ERROR(r.read_string("type", type));
  if (type == "json_lines") k.kind = SinkKind::kJsonLines;
  else if (type == "annotated_images") k.kind = SinkKind::kAnnotatedImages;
  else if (type == "annotated_video") k.kind = SinkKind::kAnnotatedVideo;
  else if (type == "null") k.kind = SinkKind::kNull;
  else return invalid_argument("{}: unknown sink type '{}' (json_lines, annotated_images, annotated_video, null, ros2_detections, ros2_classification, ros2_mask, ros2_annotated_image, mcap)", r.key_path("type"), type);
  k.name = type + "_" + std::to_string(index);
  FOVEA_RETURN_IF_ERROR(r.read_string("name", k.name));
  FOVEA_RETURN_IF_ERROR(r.read_string("path", k.path));
  FOVEA_RETURN_IF_ERROR(r.read_string("format", k.image_format));
  if (k.image_format != "jpg" && k.image_format != "png")
    return invalid_argument("{}: '{}' is not jpg or png", r.key_path("format"), k.image_format);
  FOVEA_RETURN_IF_ERROR(r.read_double("fps", k.video_fps));
  if (k.video_fps <= 0) return invalid_argument("{}: {} must be > 0", r.key_path("fps"), k.video_fps);
  FOVEA_RETURN_IF_ERROR(r.read_list("models", k.models, "a model name"));
  FOVEA_RETURN_IF_ERROR(r.read_int("queue_depth", k.queue_depth));
  if (k.queue_depth < 1 || k.queue_depth > 65536)
    return invalid_argument("{}: {} is not in [1, 65536]", r.key_path("queue_depth"), k.queue_depth);
  if (k.kind != SinkKind::kNull && k.path.empty()) return invalid_argument("{}: missing", r.key_path("path"));
  k.path = resolve(base_dir, k.path);
  return Status::ok();
}

template <typename T, typename Parse>
Status parse_list(const MapReader& top, const char* key, std::vector<T>& out, Parse&& parse) {
  const YAML::Node n = top.get(key);
  if (!n.IsDefined() || n.IsNull()) return Status::ok();
  if (!n.IsSequence()) return invalid_argument("{}: expected a list, got {}", key, describe(n));
  for (size_t i = 0; i < n.size(); ++i) {
    T item;
    FOVEA_RETURN_IF_ERROR(parse(MapReader(n[i], fmt::format("{}[{}]", key, i)), item, i));
    out.push_back(std::move(item));
  }
  return Status::ok();
}

Status parse_top(const YAML::Node& root, const std::string& base_dir, PipelineConfig& c) {
  if (!root.IsDefined() || root.IsNull()) return invalid_argument("the configuration is empty");
  MapReader top(root, "");
  FOVEA_RETURN_IF_ERROR(top.check({"sources", "models", "batching", "queues", "sinks", "deadline_ms", "drop_late_frames",
                                   "deadline_miss_warn_ratio", "metrics_port", "metrics_host", "console_interval_s",
                                   "summary_path", "duration_s"}));
  FOVEA_RETURN_IF_ERROR(parse_list(top, "sources", c.sources, [&](const MapReader& r, SourceConfig& s, size_t) {
    return parse_source(r, base_dir, s);
  }));
  FOVEA_RETURN_IF_ERROR(parse_list(top, "models", c.models, [&](const MapReader& r, ModelConfig& m, size_t) {
    return parse_model(r, base_dir, m);
  }));
  FOVEA_RETURN_IF_ERROR(parse_list(top, "sinks", c.sinks, [&](const MapReader& r, SinkConfig& k, size_t i) {
    return parse_sink(r, base_dir, k, i);
  }));
  if (c.sources.empty()) return invalid_argument("sources: missing or empty (at least one source)");
  if (c.models.empty()) return invalid_argument("models: missing or empty (at least one model)");
  if (top.has("batching")) {
    MapReader b(top.get("batching"), "batching");
    FOVEA_RETURN_IF_ERROR(b.check({"max_queue_delay_us"}));
    FOVEA_RETURN_IF_ERROR(b.read_int64("max_queue_delay_us", c.max_queue_delay_us));
    if (c.max_queue_delay_us < 0 || c.max_queue_delay_us > 10'000'000)
      return invalid_argument("batching.max_queue_delay_us: {} is not in [0, 10000000]", c.max_queue_delay_us);
  }
  if (top.has("queues")) FOVEA_RETURN_IF_ERROR(parse_queue(MapReader(top.get("queues"), "queues"), c.queues));
  FOVEA_RETURN_IF_ERROR(top.read_double("deadline_ms", c.deadline_ms));
  if (c.deadline_ms < 0) return invalid_argument("deadline_ms: {} is negative", c.deadline_ms);
  FOVEA_RETURN_IF_ERROR(top.read_bool("drop_late_frames", c.drop_late_frames));
  if (c.drop_late_frames && c.deadline_ms <= 0) return invalid_argument("drop_late_frames: needs deadline_ms > 0");
  FOVEA_RETURN_IF_ERROR(top.read_double("deadline_miss_warn_ratio", c.deadline_miss_warn_ratio));
  if (c.deadline_miss_warn_ratio < 0 || c.deadline_miss_warn_ratio > 1)
    return invalid_argument("deadline_miss_warn_ratio: {} is not in [0, 1]", c.deadline_miss_warn_ratio);
  FOVEA_RETURN_IF_ERROR(top.read_int("metrics_port", c.metrics_port));
  if (c.metrics_port < -1 || c.metrics_port > 65535)
    return invalid_argument("metrics_port: {} is not -1 (off), 0 (any free port) or a port number", c.metrics_port);
  FOVEA_RETURN_IF_ERROR(top.read_string("metrics_host", c.metrics_host));
  FOVEA_RETURN_IF_ERROR(top.read_double("console_interval_s", c.console_interval_s));
  if (c.console_interval_s < 0) return invalid_argument("console_interval_s: {} is negative", c.console_interval_s);
  FOVEA_RETURN_IF_ERROR(top.read_string("summary_path", c.summary_path));
  c.summary_path = resolve(base_dir, c.summary_path);
  FOVEA_RETURN_IF_ERROR(top.read_double("duration_s", c.duration_s));
  if (c.duration_s < 0) return invalid_argument("duration_s: {} is negative", c.duration_s);
  return Status::ok();
}

}  // namespace

std::string_view source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::kSynthetic: return "synthetic";
    case SourceKind::kImageFolder: return "image_folder";
    case SourceKind::kVideoFile: return "video_file";
    case SourceKind::kRos2Image: return "ros2_image";
    case SourceKind::kMcap: return "mcap";
  }
  return "unknown";
}

std::string_view sink_kind_name(SinkKind kind) {
  switch (kind) {
    case SinkKind::kJsonLines: return "json_lines";
    case SinkKind::kAnnotatedImages: return "annotated_images";
    case SinkKind::kAnnotatedVideo: return "annotated_video";
    case SinkKind::kNull: return "null";
    case SinkKind::kRos2Detections: return "ros2_detections";
    case SinkKind::kRos2Classification: return "ros2_classification";
    case SinkKind::kRos2Mask: return "ros2_mask";
    case SinkKind::kMcap: return "mcap";
    case SinkKind::kRos2AnnotatedImage: return "ros2_annotated_image";
  }
  return "unknown";
}

std::vector<std::string> expanded_source_names(const SourceConfig& source) {
  if (source.kind != SourceKind::kSynthetic || source.streams <= 1) return {source.name};
  std::vector<std::string> names;
  for (int i = 0; i < source.streams; ++i) names.push_back(fmt::format("{}_{}", source.name, i));
  return names;
}

Result<PipelineConfig> parse_pipeline_config(const std::string& yaml_text, const std::string& base_dir,
                                             const std::string& config_name) {
  PipelineConfig config;
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    const Status st = parse_top(root, base_dir, config);
    if (!st.is_ok()) return st.with_context(config_name);
  } catch (const YAML::Exception& e) {
    return invalid_argument("{}: line {}, column {}: {}", config_name, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  return config;
}

Result<PipelineConfig> load_pipeline_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("{}: cannot open the pipeline config", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return io_error("{}: read failed", path);
  const std::string base = fs::path(path).parent_path().string();
  FOVEA_ASSIGN_OR_RETURN(PipelineConfig config, parse_pipeline_config(text.str(), base.empty() ? "." : base, path));
  config.config_path = path;
  return config;
}

}  // namespace fovea::pipeline
