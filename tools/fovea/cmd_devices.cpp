// `fovea devices`: whether this build has CUDA, the runtime and driver versions, and the GPUs.
#include <cstdio>

#include "commands.h"
#include "core/gpu_devices.h"

namespace fovea::cli {

void add_devices_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("devices", "List the CUDA GPUs fovea can use");
  cmd->callback([&exit_code] {
    const GpuRuntimeInfo info = query_gpu_runtime();
    std::printf("cpu     available (reference executor)\n");
    if (!info.built_with_cuda) {
      std::printf("cuda    not built (CPU-only build)\n");
      exit_code = 0;
      return;
    }
    std::printf("cuda    runtime %d.%d, driver %d.%d\n", info.runtime_version / 1000, info.runtime_version % 1000 / 10,
                info.driver_version / 1000, info.driver_version % 1000 / 10);
    if (info.devices.empty()) std::printf("gpu     none (%s)\n", info.error.c_str());
    for (const GpuDevice& d : info.devices)
      std::printf("gpu %d   %s, compute capability %d.%d, %d SMs, %.1f GiB\n", d.index, d.name.c_str(), d.compute_major,
                  d.compute_minor, d.multiprocessors, static_cast<double>(d.memory_bytes) / (1u << 30));
    exit_code = 0;
  });
}

}  // namespace fovea::cli
