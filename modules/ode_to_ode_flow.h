#pragma once

#include "modules/hidden_flow.h"

#include <ATen/core/Generator.h>
#include <torch/arg.h>

#include <optional>

namespace diffctl {

class ConfigReader;

struct OdeToOdeFlowOptions {
  explicit OdeToOdeFlowOptions(int64_t width) : width_(width) {}
  TORCH_ARG(int64_t, width);            // w (n)
  TORCH_ARG(int64_t, flow_steps) = 100;  // N = 1/η
  TORCH_ARG(int64_t, gates) = 1;         // g
  TORCH_ARG(int64_t, gate_width) = 2;    // s

 public:  // TORCH_ARG leaves the section private
  // Reads flow_steps, gates and gate_width; the width comes from the classifier.
  static OdeToOdeFlowOptions from_config(ConfigReader& reader, int64_t width);
};

// The gated-ODEtoODE flow of ode-to-ode.md (sections 3.1, 5.2) on its own: x on [0, 1] by
// x_{i+1} = x_i + η |W_i x_i + b| while W_i = W_{i−1} expm(η b_ψ(t_i)) flows on O(w) with
// b_ψ = Σᵢ aᵢ (fᵢ − fᵢᵀ) (gated_matrices). Parameters: flow_start (W₀, orthogonal), bias (b),
// gate_coefficients, gate_in_weight, gate_in_bias, gate_out (free). The weights depend on
// the parameters alone, so a minibatch computes them once (weights()).
class OdeToOdeFlowImpl : public HiddenFlowImpl {
 public:
  explicit OdeToOdeFlowImpl(const OdeToOdeFlowOptions& options, std::optional<at::Generator> generator = std::nullopt);

  torch::Tensor forward(const torch::Tensor& x) override;
  std::string export_to(torch::jit::Module& module) const override;
  // W₁, …, W_N as (N, w, w).
  torch::Tensor weights() const;

  OdeToOdeFlowOptions options;
  torch::Tensor flow_start, bias, gate_coefficients, gate_in_weight, gate_in_bias, gate_out;
};
TORCH_MODULE(OdeToOdeFlow);

}  // namespace diffctl
