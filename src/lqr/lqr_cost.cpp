#include "src/lqr/lqr_cost.h"

#include "src/lqr/discrete_lyapunov.h"

#include <limits>

namespace diffctl {

namespace {
torch::Tensor per_system_gain(const LqrSystems& systems, const torch::Tensor& K) {
  return K.dim() == 2 ? K.unsqueeze(0).expand({systems.size(), K.size(0), K.size(1)}) : K;
}
}  // namespace

LqrCost lqr_cost(const LqrSystems& systems, const torch::Tensor& K) {
  systems.check("lqr_cost");
  const torch::Tensor gains = per_system_gain(systems, K);
  const torch::Tensor closed_loop = systems.A - systems.B.matmul(gains);
  const torch::Tensor stage_cost = systems.Q + gains.transpose(-1, -2).matmul(systems.R).matmul(gains);
  const auto lyapunov = solve_discrete_lyapunov(closed_loop, stage_cost);
  const torch::Tensor trace = (lyapunov.P * systems.Sigma.transpose(-1, -2)).sum({-2, -1});
  const torch::Tensor cost = torch::where(
      lyapunov.stable, trace,
      torch::full_like(trace, std::numeric_limits<double>::infinity()));
  return {cost, lyapunov.stable, lyapunov.P};
}

torch::Tensor closed_loop_state_correlation(const LqrSystems& systems, const torch::Tensor& K) {
  const torch::Tensor closed_loop = systems.A - systems.B.matmul(per_system_gain(systems, K));
  return solve_discrete_lyapunov(closed_loop.transpose(-1, -2), systems.Sigma).P;
}

}  // namespace diffctl
