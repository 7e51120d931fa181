#include "modules/iso_ode_to_ode_policy.h"

#include "src/error.h"

#include <torch/linalg.h>

#include <cmath>
#include <sstream>

namespace diffctl {

IsoOdeToOdePolicyImpl::IsoOdeToOdePolicyImpl(const IsoOdeToOdePolicyOptions& options_,
                                             std::optional<at::Generator> generator)
    : PolicyImpl(options_.observation_size(), options_.action_size(),
                 ObservationNormalizerOptions(options_.observation_size())),
      options(options_) {
  const int64_t n = options.hidden_size(), d = options.observation_size(), m = options.action_size();
  if (n < d || n < m) {
    throw InputError("hidden_size: expected at least the observation size " + std::to_string(d) +
                     " and the action size " + std::to_string(m) + ", got " + std::to_string(n));
  }
  if (options.flow_steps() < 1) throw InputError("flow_steps: expected an integer >= 1");
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  const c10::optional<at::Generator> source = generator ? c10::optional<at::Generator>(*generator) : c10::nullopt;
  auto gaussian = [&](std::vector<int64_t> shape) { return torch::randn(shape, source, float64); };
  // Haar-like starting points on the Stiefel manifolds and O(n): polar factors of Gaussians.
  register_policy_parameter("omega_in", project_to_manifold(Manifold::stiefel, gaussian({n, d})), Manifold::stiefel);
  register_policy_parameter("output_frame", project_to_manifold(Manifold::stiefel, gaussian({n, m})), Manifold::stiefel);
  register_policy_parameter("flow_start", project_to_manifold(Manifold::orthogonal, gaussian({n, n})),
                            Manifold::orthogonal);
  auto symmetric = [&] {
    const auto G = gaussian({n, n}) / std::sqrt(static_cast<double>(n));
    return 0.5 * (G + G.t());
  };
  register_policy_parameter("flow_q", symmetric(), Manifold::symmetric);
  register_policy_parameter("flow_n", symmetric(), Manifold::symmetric);
  register_policy_parameter("bias", torch::zeros({n}, float64), Manifold::free);
}

ParameterBatch IsoOdeToOdePolicyImpl::derive(const ParameterBatch& parameters) const {
  const double h = 1.0 / static_cast<double>(options.flow_steps());
  const torch::Tensor& Q = parameters["flow_q"];
  const torch::Tensor& N = parameters["flow_n"];
  torch::Tensor W = parameters["flow_start"];
  std::vector<torch::Tensor> flow;
  for (int64_t i = 0; i < options.flow_steps(); ++i) {
    const auto M = W.transpose(-1, -2).matmul(Q).matmul(W);
    W = W.matmul(torch::linalg::matrix_exp(h * (M.matmul(N) - N.matmul(M))));
    flow.push_back(W);
  }
  ParameterBatch prepared = parameters;
  prepared.insert("flow", torch::stack(flow, 1));
  return prepared;
}

std::vector<torch::Tensor> IsoOdeToOdePolicyImpl::hidden_states(const ParameterBatch& prepared,
                                                                const torch::Tensor& observations) const {
  const double h = 1.0 / static_cast<double>(options.flow_steps());
  const torch::Tensor& flow = prepared["flow"];
  const auto bias = prepared["bias"].unsqueeze(1);
  std::vector<torch::Tensor> states{torch::bmm(observations, prepared["omega_in"].transpose(1, 2))};
  for (int64_t i = 0; i < options.flow_steps(); ++i) {
    const auto& x = states.back();
    states.push_back(x + h * torch::abs(torch::baddbmm(bias, x, flow.select(1, i).transpose(1, 2))));
  }
  return states;
}

torch::Tensor IsoOdeToOdePolicyImpl::act(const ParameterBatch& prepared, const torch::Tensor& observations) const {
  return torch::bmm(hidden_states(prepared, observations).back(), prepared["output_frame"]);
}

std::string IsoOdeToOdePolicyImpl::torchscript_act() const {
  std::ostringstream source;
  source.precision(17);
  source << "def act(self, x: Tensor) -> Tensor:\n"
         << "    x = torch.matmul(x, self.omega_in.t())\n"
         << "    for i in range(" << options.flow_steps() << "):\n"
         << "        x = x + " << 1.0 / static_cast<double>(options.flow_steps())
         << " * torch.abs(torch.addmm(self.bias, x, self.flow[i].t()))\n"
         << "    return torch.matmul(x, self.output_frame)\n";
  return source.str();
}

}  // namespace diffctl
