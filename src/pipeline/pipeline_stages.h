// The Pipeline's private per-model and per-sink state, shared by pipeline_runtime.cpp and
// pipeline_chain.cpp only (not part of the pipeline's interface).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline_runtime.h"

namespace fovea::pipeline {

struct Pipeline::Delivery {
  FrameResult result;
  FramePtr frame;
  StageTimes times;
  int batch_size = 1;
};

struct Pipeline::ModelStage {
  std::string name;
  std::vector<std::unique_ptr<VisionModel>> instances;
  std::vector<size_t> sources;       // local lane -> source index
  std::vector<size_t> global_lanes;  // local lane -> accounting lane
  std::vector<LaneOptions> lane_options;
  std::unique_ptr<DynamicBatcher<FramePtr>> batcher;
  std::unique_ptr<LaneSequencer<Delivery>> sequencer;
  std::vector<size_t> sinks;
  std::atomic<size_t> sources_remaining{0};
  std::atomic<size_t> workers_remaining{0};
  uint64_t delivered_at_last_tick = 0;
  // Chaining: the models reading this one's crops; for a chained model, its upstream, crop
  // selection and join (its batcher then holds crops, and its lanes mirror the upstream's).
  std::vector<size_t> chained;
  std::optional<size_t> upstream;
  CropSelection crops;
  std::unique_ptr<ChainJoin> join;
};

struct Pipeline::SinkStage {
  std::unique_ptr<FrameSink> sink;
  std::unique_ptr<BoundedQueue<std::shared_ptr<const SinkItem>>> queue;
  std::atomic<size_t> models_remaining{0};
};

}  // namespace fovea::pipeline
