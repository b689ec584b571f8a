#include <map>
#include <utility>

#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {

const std::vector<GpuKernelEntry>& gpu_kernel_table() {
  static const std::vector<GpuKernelEntry> table = [] {
    std::vector<GpuKernelEntry> all;
    for (auto family : {elementwise_gpu_kernels, data_movement_gpu_kernels, reduction_nn_gpu_kernels,
                        conv_gemm_gpu_kernels}) {
      auto entries = family();
      all.insert(all.end(), entries.begin(), entries.end());
    }
    return all;
  }();
  return table;
}

const GpuKernelEntry* find_gpu_kernel(std::string_view domain, std::string_view op_type) {
  static const auto index = [] {
    std::map<std::pair<std::string_view, std::string_view>, const GpuKernelEntry*> m;
    for (const auto& e : gpu_kernel_table()) m[{e.domain, e.op_type}] = &e;
    return m;
  }();
  if (domain == "ai.onnx") domain = "";
  auto it = index.find({domain, op_type});
  return it == index.end() ? nullptr : it->second;
}

}  // namespace fovea::cuda
