#include "modules/iso_ode_to_ode_policy.h"

#include "modules/orthogonal_flow.h"

#include "src/config/config_reader.h"
#include "src/seeding.h"

#include <cmath>

namespace diffctl {

IsoOdeToOdePolicyOptions IsoOdeToOdePolicyOptions::from_config(ConfigReader& reader, int64_t observation_size,
                                                               int64_t action_size) {
  IsoOdeToOdePolicyOptions options(observation_size, action_size);
  options.hidden_size(reader.integer("hidden_size", options.hidden_size(), 1));
  options.flow_steps(reader.integer("flow_steps", options.flow_steps(), 1));
  return options;
}

IsoOdeToOdePolicyImpl::IsoOdeToOdePolicyImpl(const IsoOdeToOdePolicyOptions& options_,
                                             std::optional<at::Generator> generator)
    : OdeToOdePolicyImpl(options_.observation_size(), options_.action_size(), options_.hidden_size(),
                         options_.flow_steps(), generator_or_global(generator)),
      options(options_) {
  const int64_t n = options.hidden_size();
  auto symmetric = [&] {
    const auto G = torch::randn({n, n}, generator_or_global(generator), torch::kFloat64) / std::sqrt(static_cast<double>(n));
    return 0.5 * (G + G.t());
  };
  register_policy_parameter("flow_q", symmetric(), Manifold::symmetric);
  register_policy_parameter("flow_n", symmetric(), Manifold::symmetric);
}

torch::Tensor IsoOdeToOdePolicyImpl::weight_flow(const ParameterBatch& parameters) const {
  const torch::Tensor& N = parameters["flow_n"];
  const torch::Tensor& Q = parameters["flow_q"];
  auto generator = [&](int64_t, const torch::Tensor& W) {  // [WᵀQW, N]
    const auto M = W.transpose(-1, -2).matmul(Q).matmul(W);
    return M.matmul(N) - N.matmul(M);
  };
  return orthogonal_flow(parameters["flow_start"], generator, flow_steps(), flow_step());
}

}  // namespace diffctl
