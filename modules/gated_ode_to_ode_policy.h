#pragma once

#include "modules/ode_to_ode_policy.h"

#include <torch/arg.h>

#include <optional>

namespace diffctl {

class ConfigReader;

struct GatedOdeToOdePolicyOptions {
  GatedOdeToOdePolicyOptions(int64_t observation_size, int64_t action_size)
      : observation_size_(observation_size), action_size_(action_size) {}
  TORCH_ARG(int64_t, observation_size);
  TORCH_ARG(int64_t, action_size);
  TORCH_ARG(int64_t, hidden_size) = 16;  // n
  TORCH_ARG(int64_t, flow_steps) = 25;   // N
  TORCH_ARG(int64_t, gates) = 2;         // g, the number of gate networks
  TORCH_ARG(int64_t, gate_width) = 2;    // s, the hidden width of each gate network

 public:  // TORCH_ARG leaves the section private
  // Reads hidden_size, flow_steps, gates and gate_width; the sizes come from the environment.
  static GatedOdeToOdePolicyOptions from_config(ConfigReader& reader, int64_t observation_size, int64_t action_size);
};

// Gated-ODEtoODE (ode-to-ode.md section 3.1): b_ψ(t) = Σᵢ aᵢ (fᵢ(t) − fᵢ(t)ᵀ), a gated sum of
// skew-symmetrised outputs of g small networks fᵢ of time (gated_matrices). Parameters (all free):
// gate_coefficients a (g), gate_in_weight u and gate_in_bias c (g × s), gate_out M
// (g × s × n × n); see OdeToOdePolicyImpl for the main flow and the other parameters.
class GatedOdeToOdePolicyImpl : public OdeToOdePolicyImpl {
 public:
  explicit GatedOdeToOdePolicyImpl(const GatedOdeToOdePolicyOptions& options,
                                   std::optional<at::Generator> generator = std::nullopt);

  GatedOdeToOdePolicyOptions options;

 protected:
  torch::Tensor weight_flow(const ParameterBatch& parameters) const override;
  std::string export_name() const override { return "GatedOdeToOdePolicy"; }
};
TORCH_MODULE(GatedOdeToOdePolicy);

}  // namespace diffctl
