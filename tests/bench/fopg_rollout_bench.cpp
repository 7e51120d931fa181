// Model-rollout gradient throughput of first-order policy gradient through contact: M
// rollouts of H steps of the cart-pole with soft walls as an LCS model (the true matrices)
// under the LQR policy, forward and backward (the gradient of the mean discounted cost with
// respect to the gain), per smoothing mode, in model steps per second. Each mode runs on the
// fused small-problem LCP path (the default) and on the batched tensor path, measured in
// the same run; "x" is the ratio. Exits non-zero only if the two paths' gradients disagree.
//   bench_fopg_rollout [--quick]
#include "data/envs/cartpole_soft_walls.h"
#include "src/seeding.h"
#include "timing.h"
#include "trainers/fopg/fopg_objective.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstring>

namespace {

using namespace diffctl;

struct Measurement {
  double steps_per_second;
  torch::Tensor gradient;
};

Measurement measure(lcp::SmoothingMode mode, bool fused, int64_t rollouts, int64_t horizon, double budget_s) {
  LCSLayerOptions layer(4, 1, 2);
  lcp::SolverOptions solver;
  solver.fused_small_problems = fused;
  layer.smoothing(mode).mu(mode == lcp::SmoothingMode::constant ? 1e-3 : 0.0).sigma(0.05).samples(16).learnable(false).solver(solver);
  const LcsDynamics model(LCSLayer(layer, cartpole_soft_walls_matrices()), make_generator(1));
  const ContactTask task = cartpole_soft_walls_task();
  LinearPolicy policy = task.lqr_policy();
  const QuadraticCost& cost = task.cost;
  auto generator = make_generator(0);
  const auto initial = 0.3 * (2.0 * torch::rand({rollouts, 4}, generator, torch::kFloat64) - 1.0);
  const auto exploration = torch::randn({horizon, rollouts, 1}, generator, torch::kFloat64);
  const ModelRolloutOptions options{horizon, 0.99, 0.1};
  const auto call = [&] {
    const auto objective = model_rollout_costs(model, *policy, initial, exploration, cost, options).mean();
    return torch::autograd::grad({objective}, {policy->gain})[0];
  };
  // The first call (also the warm-up) is compared: randomized smoothing's noise comes from
  // the model's generator, fresh here on both paths.
  const torch::Tensor gradient = call();
  const double seconds = bench::seconds_per_call([&] { call(); }, budget_s);
  return {static_cast<double>(rollouts * horizon) / seconds, gradient};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 2 || (argc == 2 && !quick)) {
    std::fprintf(stderr, "usage: bench_fopg_rollout [--quick]\n");
    return 2;
  }
  const int64_t rollouts = 64, horizon = quick ? 20 : 100;
  const double budget_s = quick ? 0.05 : 1.0;
  std::printf("FOPG model rollouts, cart-pole with soft walls, M = %ld, H = %ld, forward + backward\n",
              static_cast<long>(rollouts), static_cast<long>(horizon));
  std::printf("%-14s | %14s %14s %8s | %9s\n", "mode", "fused steps/s", "tensor steps/s", "x", "grad gap");
  bool agree = true;
  for (auto mode : {lcp::SmoothingMode::exact, lcp::SmoothingMode::constant, lcp::SmoothingMode::contact_aware,
                    lcp::SmoothingMode::randomized}) {
    const Measurement fused = measure(mode, true, rollouts, horizon, budget_s);
    const Measurement tensor = measure(mode, false, rollouts, horizon, budget_s);
    const double gap =
        ((fused.gradient - tensor.gradient).abs().max() / tensor.gradient.abs().max().clamp_min(1e-12)).item<double>();
    agree = agree && gap < 1e-6;
    std::printf("%-14s | %14.0f %14.0f %8.2f | %9.1e\n", lcp::to_string(mode).c_str(), fused.steps_per_second,
                tensor.steps_per_second, fused.steps_per_second / tensor.steps_per_second, gap);
    std::fflush(stdout);
  }
  std::printf("steps/s: model steps (rollouts x horizon) per second of forward + backward; x: fused over tensor\n");
  if (!agree) std::printf("DISAGREEMENT: fused and tensor-path gradients\n");
  return agree ? 0 : 1;
}
