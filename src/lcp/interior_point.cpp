#include "src/lcp/interior_point.h"

#include "src/error.h"
#include "src/implicit/implicit_function.h"
#include "src/lcp/small_problem_interior_point.h"

#include <torch/linalg.h>

#include <limits>
#include <string>

namespace diffctl::lcp {

void SolverOptions::validate() const {
  auto fail = [](const std::string& field, const std::string& expected, double found) {
    throw InputError("lcp::SolverOptions." + field + ": expected " + expected + ", got " +
                     std::to_string(found));
  };
  if (tolerance && !(*tolerance > 0.0)) fail("tolerance", "a number > 0", *tolerance);
  if (max_iterations < 1) fail("max_iterations", "an integer >= 1", static_cast<double>(max_iterations));
  if (!(fraction_to_boundary > 0.0 && fraction_to_boundary < 1.0)) {
    fail("fraction_to_boundary", "a number in (0, 1)", fraction_to_boundary);
  }
  if (!(gradient_floor >= 0.0) || !std::isfinite(gradient_floor)) {
    fail("gradient_floor", "a finite number >= 0", gradient_floor);
  }
}

double SolverOptions::tolerance_for(torch::ScalarType dtype) const {
  if (tolerance) return *tolerance;
  return dtype == torch::kFloat64 ? 1e-10 : 1e-5;
}

namespace {

torch::Tensor batched_matvec(const torch::Tensor& F, const torch::Tensor& x) {
  return torch::matmul(F, x.unsqueeze(-1)).squeeze(-1);
}

// Largest α such that v + α Δv ≥ 0, per problem, over both variables (+∞ if none binds).
torch::Tensor step_to_boundary(const torch::Tensor& lambda, const torch::Tensor& d_lambda,
                               const torch::Tensor& w, const torch::Tensor& d_w) {
  const double infinity = std::numeric_limits<double>::infinity();
  auto ratio = [&](const torch::Tensor& v, const torch::Tensor& dv) {
    const torch::Tensor decreasing = dv < 0;
    // The division only where dv < 0, so that the unrolled backward sees no 0/0.
    const torch::Tensor safe_dv = torch::where(decreasing, dv, -torch::ones_like(dv));
    return torch::where(decreasing, -v / safe_dv, torch::full_like(v, infinity)).amin(-1);
  };
  return torch::minimum(ratio(lambda, d_lambda), ratio(w, d_w));
}

// Scaled residuals of the normalised problem: primal max|Fλ + q − w| / (1 + max|q|),
// complementarity max|λᵢwᵢ − μᵢ| / (1 + μᵢ).
std::pair<torch::Tensor, torch::Tensor> residuals(const torch::Tensor& F, const torch::Tensor& q,
                                                  const torch::Tensor& mu, const torch::Tensor& lambda,
                                                  const torch::Tensor& w) {
  const torch::Tensor primal = (batched_matvec(F, lambda) + q - w).abs().amax(-1) / (1.0 + q.abs().amax(-1));
  const torch::Tensor complementarity = ((lambda * w - mu).abs() / (1.0 + mu)).amax(-1);
  return {primal, complementarity};
}

// At μ = 0 an interior iterate still carries λᵢ ≈ tolerance/wᵢ on inactive indices. The
// active set the iterate identifies (λᵢ > wᵢ) gives the exact solution by one more solve:
// (Fλ + q)ᵢ = 0 on it, λᵢ = 0 off it. Kept where that point is feasible, which it is once
// the iterate has converged to a nondegenerate solution.
void polish_exact_solutions(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                            double tolerance, Iterates& result) {
  const torch::Tensor exact = (mu == 0).all(-1).logical_and(result.converged);
  if (!exact.any().item<bool>()) return;
  const torch::Tensor active = result.lambda > result.w;
  const torch::Tensor identity = torch::eye(q.size(-1), q.options()).expand_as(F);
  const torch::Tensor system = torch::where(active.unsqueeze(-1), F, identity);
  const torch::Tensor rhs = torch::where(active, -q, torch::zeros_like(q));
  auto [lambda, info] = torch::linalg_solve_ex(system, rhs);
  const torch::Tensor w = torch::where(active, torch::zeros_like(q), batched_matvec(F, lambda) + q);
  const torch::Tensor feasible = (torch::minimum(lambda.amin(-1), w.amin(-1)) >= -tolerance)
                                     .logical_and(info == 0)
                                     .logical_and(torch::isfinite(lambda).all(-1));
  const torch::Tensor use = exact.logical_and(feasible);
  const torch::Tensor use_column = use.unsqueeze(-1);
  result.lambda = torch::where(use_column, lambda.clamp_min(0.0), result.lambda);
  result.w = torch::where(use_column, w.clamp_min(0.0), result.w);
  auto [primal_residual, complementarity_residual] = residuals(F, q, mu, result.lambda, result.w);
  result.primal_residual = torch::where(use, primal_residual, result.primal_residual);
  result.complementarity_residual = torch::where(use, complementarity_residual, result.complementarity_residual);
}

// Mehrotra predictor-corrector on λ ∘ w = μ, w = Fλ + q, for a problem normalised to
// max|F| = max|q| = 1. Runs with whatever grad mode is active: without a graph for the
// implicit path, recorded for the unrolled baseline.
Iterates run_normalised(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                        const SolverOptions& options) {
  const double tolerance = options.tolerance_for(q.scalar_type());
  const double infinity = std::numeric_limits<double>::infinity();
  const int64_t batch = q.size(0);
  const torch::Tensor identity = torch::eye(q.size(-1), q.options());

  // λ = w = 1 is perfectly centred and above the target complementarity (μ ≤ 1 after
  // normalisation). w is not yet Fλ + q: the primal residual goes to zero with the gap.
  torch::Tensor lambda = torch::ones_like(q);
  torch::Tensor w = torch::ones_like(q);
  Iterates best{lambda, w, torch::zeros({batch}, q.options().dtype(torch::kBool)),
                torch::zeros({batch}, q.options().dtype(torch::kLong)),
                torch::full({batch}, infinity, q.options()), torch::full({batch}, infinity, q.options())};
  torch::Tensor best_merit = torch::full({batch}, infinity, q.options());

  for (int64_t iteration = 0;; ++iteration) {
    const torch::Tensor primal = batched_matvec(F, lambda) + q - w;
    const torch::Tensor complementarity = lambda * w;
    auto [primal_residual, complementarity_residual] = residuals(F, q, mu, lambda, w);
    const torch::Tensor merit = torch::maximum(primal_residual, complementarity_residual);
    const torch::Tensor improved = merit < best_merit;
    const torch::Tensor improved_column = improved.unsqueeze(-1);
    best.lambda = torch::where(improved_column, lambda, best.lambda);
    best.w = torch::where(improved_column, w, best.w);
    best.primal_residual = torch::where(improved, primal_residual, best.primal_residual);
    best.complementarity_residual =
        torch::where(improved, complementarity_residual, best.complementarity_residual);
    best_merit = torch::where(improved, merit, best_merit);
    best.converged = best.converged.logical_or(merit <= tolerance);
    if (iteration == options.max_iterations || best.converged.all().item<bool>()) break;

    // Newton on (Fλ + q − w, λ∘w − t) = 0 with Δw = FΔλ + r_p eliminated:
    // (diag(w) + diag(λ)F) Δλ = t − λ∘w − λ∘r_p.
    const torch::Tensor matrix = lambda.unsqueeze(-1) * F + w.unsqueeze(-1) * identity;
    auto [lu, pivots, info] = torch::linalg_lu_factor_ex(matrix);
    auto newton_step = [&](const torch::Tensor& target) {
      const torch::Tensor rhs = target - complementarity - lambda * primal;
      const torch::Tensor d_lambda = torch::linalg_lu_solve(lu, pivots, rhs.unsqueeze(-1)).squeeze(-1);
      return std::make_pair(d_lambda, batched_matvec(F, d_lambda) + primal);
    };
    // Predictor: aim straight at the target; its progress sets the centring σ = (gap_aff/gap)³.
    auto [d_lambda_affine, d_w_affine] = newton_step(mu);
    const torch::Tensor alpha_affine =
        step_to_boundary(lambda, d_lambda_affine, w, d_w_affine).clamp_max(1.0).unsqueeze(-1);
    const torch::Tensor gap = (complementarity - mu).mean(-1, true).clamp_min(0.0);
    const torch::Tensor gap_affine =
        ((lambda + alpha_affine * d_lambda_affine) * (w + alpha_affine * d_w_affine) - mu)
            .mean(-1, true)
            .clamp_min(0.0);
    const torch::Tensor positive_gap = gap > 0;  // no 0/0 in either branch (unrolled backward)
    const torch::Tensor centring =
        torch::where(positive_gap, (gap_affine / torch::where(positive_gap, gap, torch::ones_like(gap))).pow(3),
                     torch::zeros_like(gap))
            .clamp_max(1.0);
    // Corrector: centred target plus Mehrotra's second-order term, same factorisation.
    auto [d_lambda, d_w] = newton_step(mu + centring * gap - d_lambda_affine * d_w_affine);

    const torch::Tensor alpha =
        (options.fraction_to_boundary * step_to_boundary(lambda, d_lambda, w, d_w)).clamp_max(1.0);
    // A singular or non-finite step (F not a P-matrix) leaves the problem where it is: it
    // stops improving and is reported as not converged.
    const torch::Tensor usable = (info == 0)
                                     .logical_and(torch::isfinite(d_lambda).all(-1))
                                     .logical_and(torch::isfinite(d_w).all(-1))
                                     .logical_and(best.converged.logical_not());
    const torch::Tensor step = torch::where(usable, alpha, torch::zeros_like(alpha)).unsqueeze(-1);
    const torch::Tensor usable_column = usable.unsqueeze(-1);
    lambda = lambda + step * torch::where(usable_column, d_lambda, torch::zeros_like(d_lambda));
    w = w + step * torch::where(usable_column, d_w, torch::zeros_like(d_w));
    best.iterations = best.iterations + best.converged.logical_not().to(torch::kLong);
  }
  polish_exact_solutions(F, q, mu, tolerance, best);
  return best;
}

// Normalises the problem so one tolerance and one starting point fit every scale of F, q
// and μ: with λ = (β/φ) λ', w = β w' for φ = max|F| and β = max(max|q|, √(φ max μ)), the
// LCP becomes F' = F/φ, q' = q/β, μ' = μ φ/β² ≤ 1, all of order one at most.
Iterates run_interior_point(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                            const SolverOptions& options) {
  const int64_t batch = q.size(0);
  if (q.numel() == 0) {
    return {q, q, torch::ones({batch}, q.options().dtype(torch::kBool)),
            torch::zeros({batch}, q.options().dtype(torch::kLong)), torch::zeros({batch}, q.options()),
            torch::zeros({batch}, q.options())};
  }
  if (takes_small_problem_path(F, q, mu, options)) return solve_small_problems(F, q, mu, options).iterates;
  // Constants of the change of variables (the solution does not depend on them), so the
  // unrolled backward does not differentiate them (√0 has no derivative).
  const torch::Tensor matrix_scale = F.detach().abs().amax({-2, -1});  // > 0: a positive diagonal
  const torch::Tensor scale =
      torch::maximum(q.detach().abs().amax(-1), (matrix_scale * mu.detach().amax(-1)).sqrt());
  const torch::Tensor q_scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  const torch::Tensor lambda_scale = (q_scale / matrix_scale).unsqueeze(-1);
  Iterates result = run_normalised(F / matrix_scale.view({batch, 1, 1}), q / q_scale.unsqueeze(-1),
                                   mu * (matrix_scale / (q_scale * q_scale)).unsqueeze(-1), options);
  result.lambda = result.lambda * lambda_scale;
  result.w = result.w * q_scale.unsqueeze(-1);
  return result;
}

// The pieces of λ ∘ (Fλ + q) = μ for ImplicitFunction; inputs are {F, q, μ}. The residual
// is hᵢ = (λ̂ᵢ (Fλ + q + ε)ᵢ − μᵢ)/sᵢ: each row divided by sᵢ = λ̂ᵢ + ŵᵢ (λ̂ = λ + ε,
// ŵ = max(Fλ + q, 0) + ε, a constant at the solution), which makes the rows O(1): row i of
// the Jacobian is the convex combination (ŵᵢ eᵢ + λ̂ᵢ Fᵢ)/sᵢ, nonsingular for a P-matrix F.
struct InteriorPointLayer {
  using Options = SolverOptions;

  static ImplicitSolution solve(at::TensorList inputs, const SolverOptions& options) {
    const torch::Tensor& F = inputs[0];
    const torch::Tensor& q = inputs[1];
    const torch::Tensor& mu = inputs[2];
    if (takes_small_problem_path(F, q, mu, options)) {
      const SmallProblemSolution solved = solve_small_problems(F, q, mu, options, options.gradient_floor);
      const Iterates& result = solved.iterates;
      return {result.lambda,
              {solved.jacobian.lu, solved.jacobian.pivots, solved.jacobian.factored},
              {result.converged, result.iterations, result.primal_residual, result.complementarity_residual}};
    }
    const Iterates result = run_interior_point(F, q, mu, options);

    const double floor = options.gradient_floor;
    const torch::Tensor lambda_hat = result.lambda + floor;
    const torch::Tensor w_hat = (batched_matvec(F, result.lambda) + q).clamp_min(0.0) + floor;
    const torch::Tensor row_scale = lambda_hat + w_hat;
    const torch::Tensor jacobian =
        (lambda_hat.unsqueeze(-1) * F + torch::diag_embed(w_hat)) / row_scale.unsqueeze(-1);
    auto [lu, pivots, info] = torch::linalg_lu_factor_ex(jacobian);
    return {result.lambda,
            {lu, pivots, info == 0},
            {result.converged, result.iterations, result.primal_residual,
             result.complementarity_residual}};
  }

  // The residual's derivatives with its row scale s held constant: ∂hᵢ/∂Fᵢⱼ = λ̂ᵢλⱼ/sᵢ,
  // ∂hᵢ/∂qᵢ = λ̂ᵢ/sᵢ, ∂hᵢ/∂μᵢ = −1/sᵢ.
  static std::vector<torch::Tensor> input_vjp(const torch::Tensor& lambda, at::TensorList inputs,
                                              const torch::Tensor& adjoint, const SolverOptions& options) {
    const torch::Tensor& F = inputs[0];
    const torch::Tensor& q = inputs[1];
    const double floor = options.gradient_floor;
    const torch::Tensor lambda_hat = lambda + floor;
    const torch::Tensor scaled = adjoint / (lambda_hat + (batched_matvec(F.detach(), lambda) + q.detach()).clamp_min(0.0) + floor);
    const torch::Tensor grad_q = scaled * lambda_hat;
    return {grad_q.unsqueeze(-1) * lambda.unsqueeze(-2), grad_q, -scaled};
  }

  static torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_lambda, const SolverOptions&) {
    const torch::Tensor& lu = saved[0];
    const torch::Tensor& pivots = saved[1];
    const torch::Tensor& factored = saved[2];
    const JacobianFactors factors{lu, pivots, factored};
    if (takes_small_adjoint_path(factors, grad_lambda)) return solve_jacobian_transposed(factors, grad_lambda);
    const torch::Tensor v = torch::linalg_lu_solve(lu, pivots, grad_lambda.unsqueeze(-1),
                                                   /*left=*/true, /*adjoint=*/true)
                                .squeeze(-1);
    return torch::where(factored.unsqueeze(-1), v, torch::zeros_like(v));
  }
};

std::string shape_of(const torch::Tensor& tensor) { return c10::str(tensor.sizes()); }

// Checks shapes, dtypes and the cheap necessary conditions of a P-matrix; returns μ
// broadcast to (B, n).
torch::Tensor validated_mu(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                           const SolverOptions& options) {
  options.validate();
  if (F.dim() != 3 || F.size(1) != F.size(2)) {
    throw InputError("lcp::solve: F: expected shape (B, n, n), got " + shape_of(F));
  }
  if (q.dim() != 2 || q.size(0) != F.size(0) || q.size(1) != F.size(1)) {
    throw InputError("lcp::solve: q: expected shape (B, n) = (" + std::to_string(F.size(0)) + ", " +
                     std::to_string(F.size(1)) + ") to match F, got " + shape_of(q));
  }
  if (!F.is_floating_point() || F.scalar_type() != q.scalar_type() ||
      mu.scalar_type() != q.scalar_type() || F.device() != q.device() || mu.device() != q.device()) {
    throw InputError("lcp::solve: expected F, q and mu of one floating dtype and device, got " +
                     std::string(c10::toString(F.scalar_type())) + ", " +
                     c10::toString(q.scalar_type()) + " and " + c10::toString(mu.scalar_type()));
  }
  torch::Tensor mu_full;
  try {
    mu_full = mu.expand_as(q);
  } catch (const c10::Error&) {
    throw InputError("lcp::solve: mu: expected a shape broadcastable to (B, n) = " + shape_of(q) +
                     ", got " + shape_of(mu));
  }
  torch::NoGradGuard no_grad;
  if (!torch::isfinite(F).all().item<bool>()) throw InputError("lcp::solve: F: expected finite entries, found NaN or inf");
  if (!torch::isfinite(q).all().item<bool>()) throw InputError("lcp::solve: q: expected finite entries, found NaN or inf");
  if (!(torch::isfinite(mu).all().item<bool>() && (mu >= 0).all().item<bool>())) {
    throw InputError("lcp::solve: mu: expected finite values >= 0, found " +
                     std::to_string(mu.min().item<double>()));
  }
  const torch::Tensor diagonal = F.diagonal(0, -2, -1);
  if (F.numel() > 0 && !(diagonal > 0).all().item<bool>()) {
    throw InputError("lcp::solve: F: expected a P-matrix (all principal minors > 0), found a diagonal entry " +
                     std::to_string(diagonal.min().item<double>()));
  }
  return mu_full;
}

SolverSummary summary_of(const std::vector<torch::Tensor>& outputs) {
  return {outputs[1], outputs[2], outputs[3], outputs[4]};
}

}  // namespace

Solution solve(const torch::Tensor& F, const torch::Tensor& q, const SolverOptions& options) {
  return solve(F, q, torch::zeros({}, q.options()), options);
}

Solution solve(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
               const SolverOptions& options) {
  const torch::Tensor mu_full = validated_mu(F, q, mu, options);
  SolverOptions resolved = options;
  resolved.tolerance = options.tolerance_for(q.scalar_type());
  const auto outputs = ImplicitFunction<InteriorPointLayer>::apply(at::TensorList({F, q, mu_full}), resolved);
  const torch::Tensor& lambda = outputs[0];
  return {lambda, batched_matvec(F, lambda) + q, summary_of(outputs)};
}

Solution solve_unrolled(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                        const SolverOptions& options) {
  const torch::Tensor mu_full = validated_mu(F, q, mu, options);
  const Iterates result = run_interior_point(F, q, mu_full, options);
  return {result.lambda, batched_matvec(F, result.lambda) + q,
          {result.converged, result.iterations, result.primal_residual, result.complementarity_residual}};
}

}  // namespace diffctl::lcp
