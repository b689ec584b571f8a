// What `fovea run` and `fovea node` share once a pipeline is assembled: running it until its
// sources end, a duration passes or Ctrl-C / SIGTERM arrives (the first drains the queues, a second
// drops what is still queued), and the short summary printed at exit.
#pragma once

#include <functional>

#include "pipeline/pipeline_metrics.h"
#include "pipeline/pipeline_runtime.h"

namespace fovea::cli {

// Starts `p` and returns once it has stopped; `on_started` runs once it has started, `on_tick`
// every 100 ms while it runs (e.g. a progress bar). duration_s <= 0: no time limit. The SIGINT /
// SIGTERM handlers it installs are restored before it returns.
Status run_pipeline_until_stopped(pipeline::Pipeline& p, double duration_s, const std::function<void()>& on_tick = {},
                                  const std::function<void()>& on_started = {});

// "<title> ran 12.3 s", then per source, model (end-to-end percentiles, batches, deadline misses,
// per-lane accounting) and sink with errors.
void print_pipeline_summary(const pipeline::MetricsSnapshot& s, const char* title);

}  // namespace fovea::cli
