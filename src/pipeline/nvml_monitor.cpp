#include "pipeline/nvml_monitor.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace fovea::pipeline {
namespace {

// The NVML C API as documented (nvml.h): return codes are an int enum, NVML_SUCCESS == 0;
// a device is an opaque pointer.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr int kNvmlTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU

}  // namespace

struct NvmlMonitor::Api {
  nvmlReturn_t (*init)();
  nvmlReturn_t (*shutdown)();
  nvmlReturn_t (*device_count)(unsigned int*);
  nvmlReturn_t (*device_handle)(unsigned int, nvmlDevice_t*);
  nvmlReturn_t (*device_name)(nvmlDevice_t, char*, unsigned int);
  nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*);
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*);
  nvmlReturn_t (*temperature)(nvmlDevice_t, int, unsigned int*);
  nvmlReturn_t (*power)(nvmlDevice_t, unsigned int*);  // milliwatts
  nvmlReturn_t (*driver_version)(char*, unsigned int);
  const char* (*error_string)(nvmlReturn_t);
};

std::unique_ptr<NvmlMonitor> NvmlMonitor::open() {
  std::unique_ptr<NvmlMonitor> m(new NvmlMonitor());
  m->library_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!m->library_) {
    m->status_ = "nvml unavailable: libnvidia-ml.so.1 not found (no NVIDIA driver)";
    return m;
  }
  auto api = std::make_unique<Api>();
  bool missing = false;
  std::string missing_name;
  auto load = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(m->library_, name));
    if (!fn && !missing) {
      missing = true;
      missing_name = name;
    }
  };
  load(api->init, "nvmlInit_v2");
  load(api->shutdown, "nvmlShutdown");
  load(api->device_count, "nvmlDeviceGetCount_v2");
  load(api->device_handle, "nvmlDeviceGetHandleByIndex_v2");
  load(api->device_name, "nvmlDeviceGetName");
  load(api->utilization, "nvmlDeviceGetUtilizationRates");
  load(api->memory, "nvmlDeviceGetMemoryInfo");
  load(api->temperature, "nvmlDeviceGetTemperature");
  load(api->power, "nvmlDeviceGetPowerUsage");
  load(api->driver_version, "nvmlSystemGetDriverVersion");
  load(api->error_string, "nvmlErrorString");
  if (missing) {
    m->status_ = fmt::format("nvml unavailable: libnvidia-ml.so.1 lacks {}", missing_name);
    return m;
  }
  if (const nvmlReturn_t rc = api->init(); rc != kNvmlSuccess) {
    m->status_ = fmt::format("nvml unavailable: nvmlInit failed: {}", api->error_string(rc));
    return m;
  }
  unsigned count = 0;
  if (const nvmlReturn_t rc = api->device_count(&count); rc != kNvmlSuccess) {
    m->status_ = fmt::format("nvml unavailable: nvmlDeviceGetCount failed: {}", api->error_string(rc));
    api->shutdown();
    return m;
  }
  char driver[96] = {0};
  if (api->driver_version(driver, sizeof(driver)) != kNvmlSuccess) driver[0] = '\0';
  m->device_count_ = count;
  m->available_ = true;
  m->status_ = fmt::format("nvml: {} GPU{} (driver {})", count, count == 1 ? "" : "s", driver[0] ? driver : "?");
  m->api_ = std::move(api);
  return m;
}

NvmlMonitor::~NvmlMonitor() {
  if (available_ && api_) api_->shutdown();
  if (library_) dlclose(library_);
}

std::vector<GpuSample> NvmlMonitor::sample() const {
  std::vector<GpuSample> samples;
  if (!available_) return samples;
  for (unsigned i = 0; i < device_count_; ++i) {
    nvmlDevice_t device = nullptr;
    if (api_->device_handle(i, &device) != kNvmlSuccess) continue;
    GpuSample s;
    s.index = static_cast<int>(i);
    char name[96] = {0};
    if (api_->device_name(device, name, sizeof(name)) == kNvmlSuccess) s.name = name;
    nvmlUtilization_t util{};
    if (api_->utilization(device, &util) == kNvmlSuccess) s.utilization_percent = util.gpu;
    nvmlMemory_t mem{};
    if (api_->memory(device, &mem) == kNvmlSuccess) {
      s.memory_used_bytes = mem.used;
      s.memory_total_bytes = mem.total;
    }
    unsigned temp = 0;
    if (api_->temperature(device, kNvmlTemperatureGpu, &temp) == kNvmlSuccess) s.temperature_c = temp;
    unsigned milliwatts = 0;
    if (api_->power(device, &milliwatts) == kNvmlSuccess) s.power_w = milliwatts / 1000.0;
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace fovea::pipeline
