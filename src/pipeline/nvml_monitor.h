// GPU utilization, memory, temperature and power through NVML, loaded at run time with
// dlopen("libnvidia-ml.so.1") so fovea neither links against the driver nor needs its header:
// the handful of C functions used are declared here by their documented signatures. On a machine
// without the library (or without a GPU) the monitor is unavailable and says why; the metrics then
// report "nvml unavailable" instead of numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fovea::pipeline {

struct GpuSample {
  int index = 0;
  std::string name;
  double utilization_percent = -1;  // -1: the query failed
  uint64_t memory_used_bytes = 0;
  uint64_t memory_total_bytes = 0;
  double temperature_c = -1;
  double power_w = -1;
};

class NvmlMonitor {
 public:
  // Never fails: an unavailable monitor reports its reason through status().
  static std::unique_ptr<NvmlMonitor> open();
  ~NvmlMonitor();
  NvmlMonitor(const NvmlMonitor&) = delete;
  NvmlMonitor& operator=(const NvmlMonitor&) = delete;

  bool available() const { return available_; }
  // "nvml: 1 GPU (driver 550.54.15)" or "nvml unavailable: libnvidia-ml.so.1 not found".
  const std::string& status() const { return status_; }
  std::vector<GpuSample> sample() const;

 private:
  NvmlMonitor() = default;
  struct Api;
  void* library_ = nullptr;
  std::unique_ptr<Api> api_;
  bool available_ = false;
  std::string status_;
  unsigned device_count_ = 0;
};

}  // namespace fovea::pipeline
