#include "src/lqr/sample_average_minimum.h"

#include "src/error.h"
#include "src/lqr/lqr_cost.h"

#include <torch/linalg.h>

#include <cmath>
#include <string>

namespace diffctl {

namespace {

struct CostAndGradient {
  double cost;
  torch::Tensor gradient;  // (m·n), zero when the cost is infinite
};

CostAndGradient mean_cost_and_gradient(const LqrSystems& systems, const torch::Tensor& gain) {
  torch::Tensor K = gain.detach().clone().requires_grad_(true);
  const torch::Tensor cost = lqr_cost(systems, K).cost.mean();
  const double value = cost.item<double>();
  if (!std::isfinite(value)) return {value, torch::zeros({gain.numel()}, gain.options())};
  const torch::Tensor gradient = torch::autograd::grad({cost}, {K})[0];
  return {value, gradient.reshape({-1})};
}

torch::Tensor central_difference_hessian(const LqrSystems& systems, const torch::Tensor& gain) {
  const int64_t dimension = gain.numel();
  const torch::Tensor flat = gain.reshape({-1});
  auto hessian = torch::empty({dimension, dimension}, gain.options());
  for (int64_t j = 0; j < dimension; ++j) {
    // A step balancing truncation (h²) against the gradient's rounding (ε/h).
    const double h = 1e-5 * std::max(1.0, std::abs(flat[j].item<double>()));
    auto plus = flat.clone(), minus = flat.clone();
    plus[j] += h;
    minus[j] -= h;
    const auto forward = mean_cost_and_gradient(systems, plus.view_as(gain));
    const auto backward = mean_cost_and_gradient(systems, minus.view_as(gain));
    if (!std::isfinite(forward.cost) || !std::isfinite(backward.cost)) {
      throw Error("minimize_sample_average_cost: the gain is within 1e-5 of the stable set's boundary, "
                  "no Hessian there");
    }
    hessian.select(1, j).copy_((forward.gradient - backward.gradient) / (2 * h));
  }
  return 0.5 * (hessian + hessian.t());
}

// The Newton direction for H shifted by the smallest multiple of I that makes it positive
// definite (Levenberg), so the direction always descends.
torch::Tensor newton_direction(const torch::Tensor& hessian, const torch::Tensor& gradient) {
  const double smallest = torch::linalg::eigvalsh(hessian, "L").min().item<double>();
  const double scale = hessian.abs().max().item<double>();
  const double shift = smallest > 1e-10 * scale ? 0.0 : 1e-6 * scale - smallest;
  const auto shifted = hessian + shift * torch::eye(hessian.size(0), hessian.options());
  return -torch::linalg::solve(shifted, gradient.unsqueeze(1), /*left=*/true).squeeze(1);
}

}  // namespace

SampleAverageMinimum minimize_sample_average_cost(const LqrSystems& systems, const torch::Tensor& initial_gain,
                                                  const SampleAverageMinimumOptions& options) {
  const auto float64 = systems.A.options().dtype(torch::kFloat64);
  const LqrSystems problem = systems.to(float64);
  torch::Tensor gain = initial_gain.to(float64).detach().clone();
  auto current = mean_cost_and_gradient(problem, gain);
  if (!std::isfinite(current.cost)) {
    throw InputError("minimize_sample_average_cost: the initial gain does not stabilise every system");
  }
  auto relative_gradient = [&] {
    return current.gradient.norm().item<double>() * std::max(1.0, gain.norm().item<double>()) / current.cost;
  };
  int64_t iterations = 0;
  while (relative_gradient() > options.relative_gradient_tolerance) {
    if (iterations == options.max_iterations) {
      throw Error("minimize_sample_average_cost: no convergence in " + std::to_string(options.max_iterations) +
                  " Newton iterations (relative gradient norm " + std::to_string(relative_gradient()) +
                  ", tolerance " + std::to_string(options.relative_gradient_tolerance) + ")");
    }
    const auto direction = newton_direction(central_difference_hessian(problem, gain), current.gradient);
    const double slope = current.gradient.dot(direction).item<double>();
    bool accepted = false;
    for (double t = 1.0; t > 1e-12 && !accepted; t *= 0.5) {
      const auto candidate = gain + t * direction.view_as(gain);
      auto next = mean_cost_and_gradient(problem, candidate);
      // Armijo with c = 1e-4; near the optimum rounding may hide the decrease, so a step that
      // shrinks the gradient without raising the cost beyond rounding is taken too.
      const bool decreases = next.cost <= current.cost + 1e-4 * t * slope;
      const bool converging = next.cost <= current.cost * (1 + 1e-14) &&
                              next.gradient.norm().item<double>() < current.gradient.norm().item<double>();
      if (std::isfinite(next.cost) && (decreases || converging)) {
        gain = candidate;
        current = std::move(next);
        accepted = true;
      }
    }
    if (!accepted) {
      throw Error("minimize_sample_average_cost: the line search found no decrease at relative gradient norm " +
                  std::to_string(relative_gradient()) + " (tolerance " +
                  std::to_string(options.relative_gradient_tolerance) + ")");
    }
    ++iterations;
  }
  return {gain, current.cost, relative_gradient(), iterations};
}

}  // namespace diffctl
