#include "modules/gated_ode_to_ode_policy.h"

#include "modules/gate_networks.h"
#include "modules/orthogonal_flow.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>

namespace diffctl {

GatedOdeToOdePolicyOptions GatedOdeToOdePolicyOptions::from_config(ConfigReader& reader, int64_t observation_size,
                                                                   int64_t action_size) {
  GatedOdeToOdePolicyOptions options(observation_size, action_size);
  options.hidden_size(reader.integer("hidden_size", options.hidden_size(), 1));
  options.flow_steps(reader.integer("flow_steps", options.flow_steps(), 1));
  options.gates(reader.integer("gates", options.gates(), 1));
  options.gate_width(reader.integer("gate_width", options.gate_width(), 1));
  return options;
}

GatedOdeToOdePolicyImpl::GatedOdeToOdePolicyImpl(const GatedOdeToOdePolicyOptions& options_,
                                                 std::optional<at::Generator> generator)
    : OdeToOdePolicyImpl(options_.observation_size(), options_.action_size(), options_.hidden_size(),
                         options_.flow_steps(), generator_or_global(generator)),
      options(options_) {
  const int64_t g = options.gates(), s = options.gate_width(), n = options.hidden_size();
  if (g < 1) throw InputError("gates: expected an integer >= 1, got " + std::to_string(g));
  if (s < 1) throw InputError("gate_width: expected an integer >= 1, got " + std::to_string(s));
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  auto gaussian = [&](std::vector<int64_t> shape) { return torch::randn(shape, generator_or_global(generator), float64); };
  register_policy_parameter("gate_coefficients", torch::full({g}, 1.0 / static_cast<double>(g), float64),
                            Manifold::free);
  register_policy_parameter("gate_in_weight", gaussian({g, s}), Manifold::free);
  register_policy_parameter("gate_in_bias", gaussian({g, s}), Manifold::free);
  // Entries of order 1/√(n s), so that b_ψ is of the order of ISO's [WᵀQW, N] at the start.
  register_policy_parameter("gate_out", gaussian({g, s, n, n}) / std::sqrt(static_cast<double>(n * s)),
                            Manifold::free);
}

torch::Tensor GatedOdeToOdePolicyImpl::weight_flow(const ParameterBatch& parameters) const {
  const auto times = torch::arange(flow_steps(), torch::kFloat64) * flow_step();  // b_ψ at the start of each step
  const auto G = gated_matrices(parameters["gate_coefficients"], parameters["gate_in_weight"],
                                parameters["gate_in_bias"], parameters["gate_out"], times);
  return orthogonal_flow(parameters["flow_start"], G - G.transpose(-1, -2), flow_step());
}

}  // namespace diffctl
