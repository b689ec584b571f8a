#include "io/pipeline_assembly.h"

#include <filesystem>
#include <map>

#include "io/file_sources.h"
#include "io/mcap/mcap_detection_sink.h"
#include "io/mcap/mcap_image_source.h"
#include "io/result_sinks.h"
#include "io/synthetic_camera_source.h"
#ifdef FOVEA_HAVE_ROS2
#include "io/ros2/ros2_pipeline_endpoints.h"
#endif

namespace fovea::io {
namespace {

using pipeline::PipelineConfig;
using pipeline::SinkKind;
using pipeline::SourceKind;

vision::PixelEncoding encoding_of(const std::string& name) {
  return name == "bgr8" ? vision::PixelEncoding::kBgr8 : vision::PixelEncoding::kRgb8;
}

Result<std::unique_ptr<pipeline::FrameSink>> make_sink(const pipeline::SinkConfig& k) {
  switch (k.kind) {
    case SinkKind::kJsonLines: {
      FOVEA_ASSIGN_OR_RETURN(auto s, JsonLinesSink::create(k.name, k.path));
      return std::unique_ptr<pipeline::FrameSink>(std::move(s));
    }
    case SinkKind::kAnnotatedImages: {
      FOVEA_ASSIGN_OR_RETURN(auto s, AnnotatedImageSink::create(k.name, k.path, k.image_format));
      return std::unique_ptr<pipeline::FrameSink>(std::move(s));
    }
    case SinkKind::kAnnotatedVideo: {
      FOVEA_ASSIGN_OR_RETURN(auto s, AnnotatedVideoSink::create(k.name, k.path, k.video_fps));
      return std::unique_ptr<pipeline::FrameSink>(std::move(s));
    }
    case SinkKind::kNull: return std::unique_ptr<pipeline::FrameSink>(std::make_unique<NullSink>(k.name));
    case SinkKind::kMcap: {
      mcap::McapDetectionSinkOptions o;
      o.name = k.name;
      o.path = k.path;
      o.detections_topic = k.topic;
      if (k.record_images) o.image_topic = "/{stream}/image_raw";
      // As the other file sinks: the recording's folder is created when missing.
      std::error_code ec;
      const std::filesystem::path parent = std::filesystem::path(k.path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      FOVEA_ASSIGN_OR_RETURN(o.writer.compression, mcap::parse_compression(k.compression));
      FOVEA_ASSIGN_OR_RETURN(auto s, mcap::McapDetectionSink::create(o));
      return std::unique_ptr<pipeline::FrameSink>(std::move(s));
    }
    case SinkKind::kRos2Detections:
    case SinkKind::kRos2Classification:
    case SinkKind::kRos2Mask:
    case SinkKind::kRos2AnnotatedImage: break;  // made by assemble_pipeline on its ROS 2 node
  }
  return internal_error("unknown sink kind");
}

bool is_ros2_sink(SinkKind kind) {
  return kind == SinkKind::kRos2Detections || kind == SinkKind::kRos2Classification || kind == SinkKind::kRos2Mask ||
         kind == SinkKind::kRos2AnnotatedImage;
}

bool is_detector(pipeline::DecoderKind kind) {
  return kind != pipeline::DecoderKind::kClassification && kind != pipeline::DecoderKind::kSegmentation;
}

// Models with crops_from read their upstream's crops: its index, and the crop selection with
// crop_classes resolved against the created upstream's labels and the threshold defaulted to its.
// The decoders are known now (`auto` resolved): the upstream must detect, the chained model classify.
Status wire_chained_models(const PipelineConfig& config, const std::map<std::string, size_t>& model_index,
                           std::vector<pipeline::PipelineModelSpec>& models) {
  for (size_t i = 0; i < config.models.size(); ++i) {
    const pipeline::CropConfig& crops = config.models[i].crops;
    if (crops.from.empty()) continue;
    const std::string key = fmt::format("models[{}]", i);
    auto it = model_index.find(crops.from);
    if (it == model_index.end()) return not_found("{}.crops_from: no model named '{}'", key, crops.from);
    const pipeline::VisionModel& up = *models[it->second].instances.front();
    if (!is_detector(up.config().decoder))
      return invalid_argument("{}.crops_from: '{}' is not a detector (its decoder is {})", key, crops.from,
                              pipeline::decoder_kind_name(up.config().decoder));
    const pipeline::DecoderKind own = models[i].instances.front()->config().decoder;
    if (own != pipeline::DecoderKind::kClassification)
      return invalid_argument("{}.decoder: {} (from the model's outputs), but a model reading crops must be a classifier",
                              key, pipeline::decoder_kind_name(own));
    pipeline::PipelineModelSpec& spec = models[i];
    spec.crops_from = it->second;
    FOVEA_ASSIGN_OR_RETURN(spec.crops.class_ids, pipeline::resolve_crop_classes(crops.classes, up.labels(), key + ".crop_classes"));
    spec.crops.min_score = crops.min_score.value_or(config.models[it->second].vision.detection.nms.confidence_threshold);
    spec.crops.padding = crops.padding;
    spec.crops.min_size = crops.min_size;
    spec.crops.max_crops = crops.max_crops_per_frame;
  }
  return Status::ok();
}

}  // namespace

Result<AssembledPipeline> assemble_pipeline(const PipelineConfig& config, pipeline::PipelineOptions options,
                                            const VisionModelFactory& factory, const RosNodeSettings& ros) {
  AssembledPipeline out;
#ifdef FOVEA_HAVE_ROS2
  ros2::NodeOptions node_options;
  node_options.name = ros.name;
  node_options.node_namespace = ros.node_namespace;
  node_options.domain_id = ros.domain_id;
  if (!ros.distro.empty()) {
    FOVEA_ASSIGN_OR_RETURN(node_options.distro, ros2::parse_distro(ros.distro));
  }
  ros2::Ros2PipelineEndpoints ros_endpoints(node_options);
#else
  (void)ros;
#endif
  std::vector<pipeline::PipelineSourceSpec> sources;
  std::map<std::string, std::vector<size_t>> source_index;  // config or stream name -> pipeline sources
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const pipeline::SourceConfig& sc = config.sources[i];
    const std::string key = fmt::format("sources[{}]", i);
    const pipeline::QueueConfig& q = sc.queue ? *sc.queue : config.queues;
    std::vector<std::unique_ptr<pipeline::FrameSource>> made;
    if (sc.kind == SourceKind::kSynthetic) {
      const std::vector<std::string> names = pipeline::expanded_source_names(sc);
      for (size_t s = 0; s < names.size(); ++s) {
        SyntheticCameraOptions o;
        o.name = names[s];
        o.frame_id = sc.frame_id.empty() ? names[s] : sc.frame_id;
        o.width = sc.width;
        o.height = sc.height;
        o.fps = sc.fps;
        o.encoding = encoding_of(sc.encoding);
        o.max_frames = sc.frames;
        o.stream_index = static_cast<int>(s);
        Result<std::unique_ptr<SyntheticCameraSource>> cam = SyntheticCameraSource::create(o);
        if (!cam.is_ok()) return cam.status().with_context(key);
        made.push_back(std::move(cam).value());
      }
    } else if (sc.kind == SourceKind::kRos2Image) {
#ifdef FOVEA_HAVE_ROS2
      FOVEA_ASSIGN_OR_RETURN(auto src, ros_endpoints.make_source(sc, key));
      made.push_back(std::move(src));
#else
      return unsupported("{}.type: ros2_image, but this build has no ROS 2", key);
#endif
    } else if (sc.kind == SourceKind::kMcap) {
      mcap::McapImageSourceOptions o;
      o.name = sc.name;
      o.path = sc.path;
      o.topic = sc.topic;
      o.rate = sc.replay_rate;
      o.loop = sc.loop;
      o.frame_id = sc.frame_id;
      o.compressed_encoding = encoding_of(sc.encoding);
      Result<std::unique_ptr<mcap::McapImageSource>> src = mcap::McapImageSource::create(o);
      if (!src.is_ok()) return src.status().with_context(key);
      made.push_back(std::move(src).value());
    } else {
      FileSourceOptions o;
      o.name = sc.name;
      o.path = sc.path;
      o.frame_id = sc.frame_id;
      o.fps = sc.fps;
      o.loop = sc.loop;
      o.encoding = encoding_of(sc.encoding);
      if (sc.kind == SourceKind::kImageFolder) {
        Result<std::unique_ptr<ImageFolderSource>> src = ImageFolderSource::create(o);
        if (!src.is_ok()) return src.status().with_context(key);
        made.push_back(std::move(src).value());
      } else {
        Result<std::unique_ptr<VideoFileSource>> src = VideoFileSource::create(o);
        if (!src.is_ok()) return src.status().with_context(key);
        made.push_back(std::move(src).value());
      }
    }
    for (auto& src : made) {
      const int64_t count = src->frame_count();
      if (count < 0) out.has_endless_source = true;
      else out.finite_frames += count;
      pipeline::LaneOptions lane;
      lane.depth = static_cast<size_t>(q.depth);
      lane.policy = q.policy ? *q.policy : (src->live() ? pipeline::QueuePolicy::kKeepLatest : pipeline::QueuePolicy::kBlock);
      source_index[sc.name].push_back(sources.size());
      if (src->name() != sc.name) source_index[src->name()].push_back(sources.size());
      sources.push_back({std::move(src), lane});
    }
  }

  std::vector<pipeline::PipelineModelSpec> models;
  std::map<std::string, size_t> model_index;
  for (size_t i = 0; i < config.models.size(); ++i) {
    const pipeline::ModelConfig& mc = config.models[i];
    const std::string key = fmt::format("models[{}]", i);
    pipeline::PipelineModelSpec spec;
    spec.name = mc.name;
    for (int k = 0; k < mc.instances; ++k) {
      Result<std::unique_ptr<pipeline::VisionModel>> vm = factory(mc.vision);
      if (!vm.is_ok()) return vm.status().with_context(fmt::format("{} ('{}')", key, mc.name));
      spec.instances.push_back(std::move(vm).value());
    }
    out.model_descriptions.push_back(mc.name + ": " + spec.instances.front()->description());
    for (const std::string& name : mc.sources) {
      auto it = source_index.find(name);
      if (it == source_index.end()) return not_found("{}.sources: no source or stream named '{}'", key, name);
      for (size_t s : it->second)
        if (std::find(spec.sources.begin(), spec.sources.end(), s) == spec.sources.end()) spec.sources.push_back(s);
    }
    spec.batching.max_batch_size = mc.vision.max_batch_size;
    spec.batching.max_queue_delay = std::chrono::microseconds(config.max_queue_delay_us);
    spec.batching.preferred_batch_sizes = mc.preferred_batch_sizes;
    model_index[mc.name] = models.size();
    models.push_back(std::move(spec));
  }
  FOVEA_RETURN_IF_ERROR(wire_chained_models(config, model_index, models));

  std::vector<pipeline::PipelineSinkSpec> sinks;
  for (size_t i = 0; i < config.sinks.size(); ++i) {
    const pipeline::SinkConfig& kc = config.sinks[i];
    const std::string key = fmt::format("sinks[{}]", i);
    Result<std::unique_ptr<pipeline::FrameSink>> sink = internal_error("{}: no sink", key);
    if (is_ros2_sink(kc.kind)) {
#ifdef FOVEA_HAVE_ROS2
      sink = ros_endpoints.make_sink(kc, config, key);
#else
      return unsupported("{}.type: {}, but this build has no ROS 2", key, pipeline::sink_kind_name(kc.kind));
#endif
    } else {
      sink = make_sink(kc);
    }
    if (!sink.is_ok()) return sink.status().with_context(key);
    pipeline::PipelineSinkSpec spec;
    spec.sink = std::move(sink).value();
    spec.queue_depth = static_cast<size_t>(kc.queue_depth);
    for (const std::string& name : kc.models) {
      auto it = model_index.find(name);
      if (it == model_index.end()) return not_found("{}.models: no model named '{}'", key, name);
      spec.models.push_back(it->second);
    }
    sinks.push_back(std::move(spec));
  }

  options.deadline_ms = config.deadline_ms;
  options.drop_late_frames = config.drop_late_frames;
  options.deadline_miss_warn_ratio = config.deadline_miss_warn_ratio;
  options.console_interval = std::chrono::milliseconds(static_cast<int64_t>(config.console_interval_s * 1000));
#ifdef FOVEA_HAVE_ROS2
  out.ros_node = ros_endpoints.node();
  out.ros_endpoints = ros_endpoints.descriptions();
  out.ros_summary = ros_endpoints.summary_reporter();
#endif
  FOVEA_ASSIGN_OR_RETURN(out.pipeline,
                         pipeline::Pipeline::create(std::move(sources), std::move(models), std::move(sinks), options));
  return out;
}

}  // namespace fovea::io
