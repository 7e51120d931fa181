#pragma once

#include "modules/ode_to_ode_policy.h"

#include <torch/arg.h>

#include <optional>

namespace diffctl {

class ConfigReader;

struct IsoOdeToOdePolicyOptions {
  IsoOdeToOdePolicyOptions(int64_t observation_size, int64_t action_size)
      : observation_size_(observation_size), action_size_(action_size) {}
  TORCH_ARG(int64_t, observation_size);
  TORCH_ARG(int64_t, action_size);
  // n, the width of the main flow (at least the action size).
  TORCH_ARG(int64_t, hidden_size) = 16;
  // N: the flows are integrated over [0, 1] in N steps of 1/N.
  TORCH_ARG(int64_t, flow_steps) = 25;

 public:  // TORCH_ARG leaves the section private
  // Reads hidden_size and flow_steps; the sizes come from the environment.
  static IsoOdeToOdePolicyOptions from_config(ConfigReader& reader, int64_t observation_size, int64_t action_size);
};

// ISO-ODEtoODE (ode-to-ode.md section 3.1): the weights follow the isospectral
// (double-bracket) flow, b_ψ(t, W) = [WᵀQW, N_flow] with [A, B] = AB − BA, skew-symmetric for
// symmetric Q (flow_q) and N_flow (flow_n), both learnable; see OdeToOdePolicyImpl for the
// main flow and the other parameters.
class IsoOdeToOdePolicyImpl : public OdeToOdePolicyImpl {
 public:
  explicit IsoOdeToOdePolicyImpl(const IsoOdeToOdePolicyOptions& options,
                                 std::optional<at::Generator> generator = std::nullopt);

  IsoOdeToOdePolicyOptions options;

 protected:
  torch::Tensor weight_flow(const ParameterBatch& parameters) const override;
  std::string export_name() const override { return "IsoOdeToOdePolicy"; }
};
TORCH_MODULE(IsoOdeToOdePolicy);

}  // namespace diffctl
