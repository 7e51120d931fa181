#include "modules/ode_to_ode_policy.h"

#include "modules/euler_flow.h"

#include "modules/ode_to_ode_inference.h"
#include "src/error.h"


#include <sstream>

namespace diffctl {

OdeToOdePolicyImpl::OdeToOdePolicyImpl(int64_t observation_size, int64_t action_size, int64_t hidden_size,
                                       int64_t flow_steps, const c10::optional<at::Generator>& generator)
    : PolicyImpl(observation_size, action_size, ObservationNormalizerOptions(observation_size)),
      hidden_size_(hidden_size),
      flow_steps_(flow_steps) {
  const int64_t n = hidden_size, d = observation_size, m = action_size;
  if (n < m) {
    throw InputError("hidden_size: expected at least the action size " + std::to_string(m) + ", got " +
                     std::to_string(n));
  }
  if (flow_steps < 1) throw InputError("flow_steps: expected an integer >= 1, got " + std::to_string(flow_steps));
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  auto gaussian = [&](std::vector<int64_t> shape) { return torch::randn(shape, generator, float64); };
  // Haar-like starting points on the Stiefel manifolds and O(n): polar factors of Gaussians.
  if (input_transposed()) {
    register_policy_parameter("input_frame", project_to_manifold(Manifold::stiefel, gaussian({d, n})), Manifold::stiefel);
  } else {
    register_policy_parameter("omega_in", project_to_manifold(Manifold::stiefel, gaussian({n, d})), Manifold::stiefel);
  }
  register_policy_parameter("output_frame", project_to_manifold(Manifold::stiefel, gaussian({n, m})), Manifold::stiefel);
  register_policy_parameter("flow_start", project_to_manifold(Manifold::orthogonal, gaussian({n, n})),
                            Manifold::orthogonal);
  register_policy_parameter("bias", torch::zeros({n}, float64), Manifold::free);
}

ParameterBatch OdeToOdePolicyImpl::derive(const ParameterBatch& parameters) const {
  ParameterBatch prepared = parameters;
  prepared.insert("flow", weight_flow(parameters));
  return prepared;
}

std::vector<torch::Tensor> OdeToOdePolicyImpl::hidden_states(const ParameterBatch& prepared,
                                                             const torch::Tensor& observations) const {
  const auto start = input_transposed() ? torch::bmm(observations, prepared["input_frame"])
                                        : torch::bmm(observations, prepared["omega_in"].transpose(1, 2));
  return absolute_euler_flow(start, prepared["flow"], prepared["bias"], flow_step());
}

torch::Tensor OdeToOdePolicyImpl::act(const ParameterBatch& prepared, const torch::Tensor& observations) const {
  const auto& input = prepared[input_transposed() ? "input_frame" : "omega_in"];
  if (ode_to_ode_act_cpu_applies({observations, input, prepared["flow"], prepared["bias"], prepared["output_frame"]})) {
    return ode_to_ode_act_cpu(observations, input, input_transposed(), prepared["flow"], prepared["bias"],
                              prepared["output_frame"], 1.0 / static_cast<double>(flow_steps_));
  }
  return torch::bmm(hidden_states(prepared, observations).back(), prepared["output_frame"]);
}

int64_t OdeToOdePolicyImpl::lockstep_episodes() const {
  // A copy: named_parameters() returns a temporary dict, so a reference into it would dangle.
  const torch::Tensor start = named_parameters(/*recurse=*/false)["flow_start"];
  return start.device().is_cpu() && start.scalar_type() == torch::kFloat64 ? 4 : PolicyImpl::lockstep_episodes();
}

std::string OdeToOdePolicyImpl::torchscript_act() const {
  std::ostringstream source;
  source.precision(17);
  source << "def act(self, x: Tensor) -> Tensor:\n"
         << (input_transposed() ? "    x = torch.matmul(x, self.input_frame)\n"
                                : "    x = torch.matmul(x, self.omega_in.t())\n")
         << "    for i in range(" << flow_steps_ << "):\n"
         << "        x = x + " << 1.0 / static_cast<double>(flow_steps_)
         << " * torch.abs(torch.addmm(self.bias, x, self.flow[i].t()))\n"
         << "    return torch.matmul(x, self.output_frame)\n";
  return source.str();
}

}  // namespace diffctl
