#pragma once

#include "modules/hidden_flow.h"

#include <ATen/core/Generator.h>
#include <torch/arg.h>

#include <optional>

namespace diffctl {

class ConfigReader;

struct DenseLayersOptions {
  explicit DenseLayersOptions(int64_t width) : width_(width) {}
  TORCH_ARG(int64_t, width);
  TORCH_ARG(int64_t, depth) = 1;  // L

 public:  // TORCH_ARG leaves the section private
  static DenseLayersOptions from_config(ConfigReader& reader, int64_t width);
};

// The Dense baseline of ode-to-ode.md section 5.2: L fully connected layers of width w,
// x ← relu(W_l x + b_l) (Dense-L).
class DenseLayersImpl : public HiddenFlowImpl {
 public:
  explicit DenseLayersImpl(const DenseLayersOptions& options, std::optional<at::Generator> generator = std::nullopt);

  torch::Tensor forward(const torch::Tensor& x) override;
  std::string export_to(torch::jit::Module& module) const override;

  DenseLayersOptions options;
  torch::Tensor layer_weight, layer_bias;  // (L, w, w), (L, w)
};
TORCH_MODULE(DenseLayers);

}  // namespace diffctl
