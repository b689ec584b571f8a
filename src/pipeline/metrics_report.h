// The three renderings of a MetricsSnapshot: Prometheus text exposition (served at /metrics),
// the periodic console line, and the JSON summary written at exit.
//
// Prometheus names (all prefixed fovea_): counters end in _total, latencies are histograms in
// seconds (fovea_latency_seconds{model,stage}) plus quantile gauges, and the inference counters
// mirror Triton's nv_inference_{request_success,request_failure,count,exec_count}.
#pragma once

#include <string>

#include "pipeline/pipeline_metrics.h"

namespace fovea::pipeline {

// Prometheus text format 0.0.4 (# HELP / # TYPE / samples, label values escaped).
std::string render_prometheus(const MetricsSnapshot& snapshot);

// One line: uptime, fps in/out, end-to-end p50/p99/max, mean batch, drops, queue fill, deadline
// misses, GPU (or "nvml unavailable").
std::string format_console_line(const MetricsSnapshot& snapshot);

// The whole snapshot as a JSON document (pretty-printed): per source, model (stages with count,
// mean, p50, p90, p99, max in ms; batch-size distribution; counters), lane (accounting, queue),
// sink, GPU.
std::string render_summary_json(const MetricsSnapshot& snapshot);

}  // namespace fovea::pipeline
