// Turns a checked PipelineConfig into a ready (not started) Pipeline: the sources and sinks of
// src/io/, one VisionModel per model instance (through a factory, so tests can pass fakes), queue
// policies (keep_latest for live sources and block for files unless configured), batching and
// deadline options. Lives in io because the pipeline layer cannot know the io sources.
#pragma once

#include <functional>
#include <memory>

#include "core/status.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_runtime.h"
#include "pipeline/vision_model.h"

namespace fovea::io {

using VisionModelFactory =
    std::function<Result<std::unique_ptr<pipeline::VisionModel>>(const pipeline::VisionModelConfig&)>;

struct AssembledPipeline {
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::vector<std::string> model_descriptions;  // "name: description", one per model
  int64_t finite_frames = 0;  // frames all finite sources will produce (for a progress bar)
  bool has_endless_source = false;
};

// `options` supplies what the config does not hold (console callback, NVML); the config's
// deadline and interval fields override its counterparts. Errors name the config key at fault
// (`models[1]: ...` when a model cannot be created).
Result<AssembledPipeline> assemble_pipeline(const pipeline::PipelineConfig& config, pipeline::PipelineOptions options,
                                            const VisionModelFactory& factory = pipeline::VisionModel::create);

}  // namespace fovea::io
