#include "src/device.h"

#include "src/error.h"

#include <torch/cuda.h>

namespace diffctl {

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw InputError("--device " + name +
                       ": CUDA is not available (this LibTorch has no CUDA support or no GPU "
                       "was found); use --device cpu");
    }
    try {
      torch::Device device(name);
      if (device.index() >= static_cast<int>(torch::cuda::device_count())) {
        throw InputError("--device " + name + ": no such GPU (found " +
                         std::to_string(torch::cuda::device_count()) + ")");
      }
      return device;
    } catch (const c10::Error&) {
      throw InputError("--device " + name + ": expected cpu, cuda or cuda:N");
    }
  }
  throw InputError("--device " + name + ": expected cpu, cuda or cuda:N");
}

}  // namespace diffctl
