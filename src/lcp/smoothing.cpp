#include "src/lcp/smoothing.h"

#include "src/error.h"

#include <torch/torch.h>

#include <cmath>

namespace diffctl::lcp {

void SmoothingOptions::validate() const {
  if (!(sigma > 0.0) || !std::isfinite(sigma)) {
    throw InputError("smoothing.sigma: expected a number > 0, got " + std::to_string(sigma));
  }
  if (!std::isfinite(c1) || !std::isfinite(c2)) {
    throw InputError("smoothing.c1, c2: expected finite numbers, got " + std::to_string(c1) + ", " +
                     std::to_string(c2));
  }
  if (samples < 1) throw InputError("smoothing.samples: expected an integer >= 1, got " + std::to_string(samples));
  solver.validate();
}

torch::Tensor contact_aware_impulse(const torch::Tensor& z, const torch::Tensor& stiffness,
                                    const SmoothingOptions& options) {
  const torch::Tensor t = z / options.sigma;
  const torch::Tensor density = torch::exp(-0.5 * t * t) / std::sqrt(2.0 * M_PI);
  const torch::Tensor tail = 0.5 * torch::erfc(t / std::sqrt(2.0));
  return (options.sigma * density - z * tail) / stiffness + options.c1 * z + options.c2;
}

torch::Tensor contact_aware_centering(const torch::Tensor& z, const torch::Tensor& stiffness,
                                      const SmoothingOptions& options) {
  const torch::Tensor kappa = contact_aware_impulse(z, stiffness, options);
  return (kappa * (z + stiffness * kappa)).clamp_min(0.0);
}

Solution solve_smoothed(const torch::Tensor& F, const torch::Tensor& z, const torch::Tensor& mu,
                        const SmoothingOptions& options, std::optional<at::Generator> noise_source) {
  options.validate();
  switch (options.mode) {
    case SmoothingMode::exact:
    case SmoothingMode::constant:
      return solve(F, z, mu, options.solver);
    case SmoothingMode::contact_aware: {
      const torch::Tensor stiffness = F.diagonal(0, -2, -1);
      return solve(F, z, contact_aware_centering(z, stiffness, options) + mu, options.solver);
    }
    case SmoothingMode::randomized: {
      const int64_t batch = z.size(0);
      const int64_t n = z.size(1);
      const int64_t samples = options.samples;
      const torch::Tensor noise =
          noise_source ? options.sigma * torch::randn({samples, batch, n}, *noise_source, torch::kFloat64).to(z.options())
                       : options.sigma * torch::randn({samples, batch, n}, z.options().requires_grad(false));
      const torch::Tensor perturbed = (z.unsqueeze(0) + noise).reshape({samples * batch, n});
      const torch::Tensor repeated_F = F.unsqueeze(0).expand({samples, batch, n, n}).reshape({samples * batch, n, n});
      const torch::Tensor repeated_mu =
          mu.expand({batch, n}).unsqueeze(0).expand({samples, batch, n}).reshape({samples * batch, n});
      const Solution sampled = solve(repeated_F, perturbed, repeated_mu, options.solver);
      const torch::Tensor lambda = sampled.lambda.reshape({samples, batch, n}).mean(0);
      const auto per_problem = [&](const torch::Tensor& value) { return value.reshape({samples, batch}); };
      SolverSummary summary{per_problem(sampled.summary.converged).all(0),
                            std::get<0>(per_problem(sampled.summary.iterations).max(0)),
                            std::get<0>(per_problem(sampled.summary.primal_residual).max(0)),
                            std::get<0>(per_problem(sampled.summary.complementarity_residual).max(0))};
      return {lambda, torch::matmul(F, lambda.unsqueeze(-1)).squeeze(-1) + z, summary};
    }
  }
  throw Error("solve_smoothed: unknown smoothing mode");
}

}  // namespace diffctl::lcp
