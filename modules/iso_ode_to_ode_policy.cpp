#include "modules/iso_ode_to_ode_policy.h"

#include <cmath>

namespace diffctl {

namespace {
c10::optional<at::Generator> as_source(const std::optional<at::Generator>& generator) {
  return generator ? c10::optional<at::Generator>(*generator) : c10::nullopt;
}
}  // namespace

IsoOdeToOdePolicyImpl::IsoOdeToOdePolicyImpl(const IsoOdeToOdePolicyOptions& options_,
                                             std::optional<at::Generator> generator)
    : OdeToOdePolicyImpl(options_.observation_size(), options_.action_size(), options_.hidden_size(),
                         options_.flow_steps(), as_source(generator)),
      options(options_) {
  const int64_t n = options.hidden_size();
  auto symmetric = [&] {
    const auto G = torch::randn({n, n}, as_source(generator), torch::kFloat64) / std::sqrt(static_cast<double>(n));
    return 0.5 * (G + G.t());
  };
  register_policy_parameter("flow_q", symmetric(), Manifold::symmetric);
  register_policy_parameter("flow_n", symmetric(), Manifold::symmetric);
}

torch::Tensor IsoOdeToOdePolicyImpl::flow_generator(const ParameterBatch& parameters, double,
                                                    const torch::Tensor& W) const {
  const torch::Tensor& N = parameters["flow_n"];
  const auto M = W.transpose(-1, -2).matmul(parameters["flow_q"]).matmul(W);
  return M.matmul(N) - N.matmul(M);
}

}  // namespace diffctl
