#include "src/lcp/small_problem_interior_point.h"

#include "src/linalg/small_lu.h"
#include "src/parallel/parallel_for.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace diffctl::lcp {

namespace {

constexpr int64_t kMax = kSmallProblemMaxSize;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct ProblemResult {
  double lambda[kMax], w[kMax];
  bool converged = false;
  int64_t iterations = 0;
  double primal_residual = kInfinity, complementarity_residual = kInfinity;
};

// One normalised problem (max|F| = 1, max|q| ≤ 1, μ ≤ 1) and the scaled residuals. The
// functions below take its size as a template argument kN (0: runtime n) so that the
// loops of the common sizes unroll.
struct NormalisedProblem {
  int64_t n;
  double F[kMax * kMax], q[kMax], mu[kMax];
  double q_norm;  // max|q|
};

template <int64_t kN>
void multiply(const NormalisedProblem& p, const double* x, double* out) {
  const int64_t n = kN > 0 ? kN : p.n;
  for (int64_t i = 0; i < n; ++i) {
    double value = 0.0;
    for (int64_t j = 0; j < n; ++j) value += p.F[i * n + j] * x[j];
    out[i] = value;
  }
}

// The scaled residuals from r_p = Fλ + q − w (computed as on the tensor path).
template <int64_t kN>
void residuals_of(const NormalisedProblem& p, const double* primal_vector, const double* lambda, const double* w,
                  double& primal, double& complementarity) {
  const int64_t n = kN > 0 ? kN : p.n;
  primal = 0.0;
  complementarity = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    primal = std::max(primal, std::abs(primal_vector[i]));
    complementarity = std::max(complementarity, std::abs(lambda[i] * w[i] - p.mu[i]) / (1.0 + p.mu[i]));
  }
  primal /= 1.0 + p.q_norm;
}

template <int64_t kN>
void primal_vector(const NormalisedProblem& p, const double* lambda, const double* w, double* out) {
  const int64_t n = kN > 0 ? kN : p.n;
  multiply<kN>(p, lambda, out);
  for (int64_t i = 0; i < n; ++i) out[i] = out[i] + p.q[i] - w[i];
}

// Largest α with v + α dv ≥ 0 over both variables (+∞ if none binds).
template <int64_t kN>
double step_to_boundary(int64_t runtime_n, const double* lambda, const double* d_lambda, const double* w, const double* d_w) {
  const int64_t n = kN > 0 ? kN : runtime_n;
  double alpha = kInfinity;
  for (int64_t i = 0; i < n; ++i) {
    if (d_lambda[i] < 0) alpha = std::min(alpha, -lambda[i] / d_lambda[i]);
    if (d_w[i] < 0) alpha = std::min(alpha, -w[i] / d_w[i]);
  }
  return alpha;
}

bool all_finite(int64_t n, const double* x) {
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return false;
  }
  return true;
}

// At μ = 0: the exact solution of the active set the iterate identifies, where feasible
// (as polish_exact_solutions on the tensor path).
template <int64_t kN>
void polish(const NormalisedProblem& p, double tolerance, ProblemResult& result) {
  const int64_t n = kN > 0 ? kN : p.n;
  double system[kMax * kMax], solution[kMax], work[kMax], w[kMax];
  int64_t permutation[kMax];
  bool active[kMax];
  for (int64_t i = 0; i < n; ++i) {
    active[i] = result.lambda[i] > result.w[i];
    for (int64_t j = 0; j < n; ++j) system[i * n + j] = active[i] ? p.F[i * n + j] : (i == j ? 1.0 : 0.0);
    solution[i] = active[i] ? -p.q[i] : 0.0;
  }
  if (!small_lu_factor<double, kN>(system, permutation, n)) return;
  small_lu_solve<double, kN>(system, permutation, n, solution, work);
  multiply<kN>(p, solution, w);
  double smallest = kInfinity;
  for (int64_t i = 0; i < n; ++i) {
    w[i] = active[i] ? 0.0 : w[i] + p.q[i];
    smallest = std::min({smallest, solution[i], w[i]});
  }
  if (!(smallest >= -tolerance) || !all_finite(n, solution)) return;
  for (int64_t i = 0; i < n; ++i) {
    result.lambda[i] = std::max(solution[i], 0.0);
    result.w[i] = std::max(w[i], 0.0);
  }
  double primal[kMax];
  primal_vector<kN>(p, result.lambda, result.w, primal);
  residuals_of<kN>(p, primal, result.lambda, result.w, result.primal_residual, result.complementarity_residual);
}

// run_normalised of the tensor path for one problem.
template <int64_t kN>
ProblemResult solve_normalised(const NormalisedProblem& p, const SolverOptions& options, double tolerance) {
  const int64_t n = kN > 0 ? kN : p.n;
  ProblemResult best;
  double lambda[kMax], w[kMax], primal[kMax], complementarity[kMax], matrix[kMax * kMax], work[kMax];
  double d_lambda_affine[kMax], d_w_affine[kMax], d_lambda[kMax], d_w[kMax], target[kMax];
  int64_t permutation[kMax];
  std::fill(lambda, lambda + n, 1.0);
  std::fill(w, w + n, 1.0);
  double best_merit = kInfinity;
  bool exact = true;
  for (int64_t i = 0; i < n; ++i) exact = exact && p.mu[i] == 0.0;

  // Δλ = (diag(w) + diag(λ)F)⁻¹ (t − λ∘w − λ∘r_p), Δw = FΔλ + r_p.
  const auto newton_step = [&](const double* goal, double* step_lambda, double* step_w) {
    for (int64_t i = 0; i < n; ++i) step_lambda[i] = goal[i] - complementarity[i] - lambda[i] * primal[i];
    small_lu_solve<double, kN>(matrix, permutation, n, step_lambda, work);
    multiply<kN>(p, step_lambda, step_w);
    for (int64_t i = 0; i < n; ++i) step_w[i] += primal[i];
  };

  for (int64_t iteration = 0;; ++iteration) {
    primal_vector<kN>(p, lambda, w, primal);
    for (int64_t i = 0; i < n; ++i) complementarity[i] = lambda[i] * w[i];
    double primal_residual, complementarity_residual;
    residuals_of<kN>(p, primal, lambda, w, primal_residual, complementarity_residual);
    const double merit = std::max(primal_residual, complementarity_residual);
    if (merit < best_merit) {
      std::copy(lambda, lambda + n, best.lambda);
      std::copy(w, w + n, best.w);
      best.primal_residual = primal_residual;
      best.complementarity_residual = complementarity_residual;
      best_merit = merit;
    }
    best.converged = best.converged || merit <= tolerance;
    if (iteration == options.max_iterations || best.converged) break;

    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < n; ++j) matrix[i * n + j] = lambda[i] * p.F[i * n + j] + (i == j ? w[i] : 0.0);
    }
    bool usable = small_lu_factor<double, kN>(matrix, permutation, n);
    if (usable) {
      newton_step(p.mu, d_lambda_affine, d_w_affine);
      const double alpha_affine = std::min(step_to_boundary<kN>(n, lambda, d_lambda_affine, w, d_w_affine), 1.0);
      double gap = 0.0, gap_affine = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        gap += complementarity[i] - p.mu[i];
        gap_affine += (lambda[i] + alpha_affine * d_lambda_affine[i]) * (w[i] + alpha_affine * d_w_affine[i]) - p.mu[i];
      }
      gap = std::max(gap / static_cast<double>(n), 0.0);
      gap_affine = std::max(gap_affine / static_cast<double>(n), 0.0);
      const double ratio = gap > 0 ? gap_affine / gap : 0.0;
      const double centring = std::min(ratio * ratio * ratio, 1.0);
      for (int64_t i = 0; i < n; ++i) target[i] = p.mu[i] + centring * gap - d_lambda_affine[i] * d_w_affine[i];
      newton_step(target, d_lambda, d_w);
      usable = all_finite(n, d_lambda) && all_finite(n, d_w);
    }
    // A singular or non-finite step leaves the problem where it is until the last iteration.
    if (!usable) {
      best.iterations = options.max_iterations;
      break;
    }
    const double alpha = std::min(options.fraction_to_boundary * step_to_boundary<kN>(n, lambda, d_lambda, w, d_w), 1.0);
    for (int64_t i = 0; i < n; ++i) {
      lambda[i] += alpha * d_lambda[i];
      w[i] += alpha * d_w[i];
    }
    ++best.iterations;
  }
  if (exact && best.converged) polish<kN>(p, tolerance, best);
  return best;
}

ProblemResult solve_normalised_of_size(const NormalisedProblem& p, const SolverOptions& options, double tolerance) {
  switch (p.n) {
    case 1: return solve_normalised<1>(p, options, tolerance);
    case 2: return solve_normalised<2>(p, options, tolerance);
    case 3: return solve_normalised<3>(p, options, tolerance);
    case 4: return solve_normalised<4>(p, options, tolerance);
    case 5: return solve_normalised<5>(p, options, tolerance);
    case 6: return solve_normalised<6>(p, options, tolerance);
    case 7: return solve_normalised<7>(p, options, tolerance);
    default: return solve_normalised<8>(p, options, tolerance);
  }
}

// Row r of L·U is row permutation[r] of the matrix, from LAPACK's 1-based interchanges.
void permutation_of_interchanges(int64_t n, const int32_t* interchanges, int64_t* permutation) {
  for (int64_t r = 0; r < n; ++r) permutation[r] = r;
  for (int64_t r = 0; r < n; ++r) std::swap(permutation[r], permutation[interchanges[r] - 1]);
}

// The Jacobian of the implicit layer at λ (InteriorPointLayer on the tensor path), factorised
// with partial pivoting as LAPACK's getrf does (the first largest pivot of each column).
void factor_jacobian(int64_t n, const double* F, const double* q, const double* lambda, double floor, double* lu,
                     int32_t* interchanges, bool& factored) {
  for (int64_t i = 0; i < n; ++i) {
    double product = 0.0;
    for (int64_t j = 0; j < n; ++j) product += F[i * n + j] * lambda[j];
    const double lambda_hat = lambda[i] + floor;
    const double w_hat = std::max(product + q[i], 0.0) + floor;
    const double row_scale = lambda_hat + w_hat;
    for (int64_t j = 0; j < n; ++j) lu[i * n + j] = (lambda_hat * F[i * n + j] + (i == j ? w_hat : 0.0)) / row_scale;
  }
  int64_t permutation[kMax];
  factored = small_lu_factor<double>(lu, permutation, n, interchanges);
  // Valid interchanges even so, for LAPACK's solve, which skips nothing (its result is unused).
  if (!factored) {
    for (int64_t r = 0; r < n; ++r) interchanges[r] = static_cast<int32_t>(r + 1);
  }
}

// solve_range(begin, end) over the batch in chunks of 64 problems, on compute_threads()
// threads once there are enough chunks to share.
void for_problem_chunks(int64_t batch, const std::function<void(int64_t, int64_t)>& solve_range) {
  constexpr int64_t kChunk = 64;
  const int64_t chunks = (batch + kChunk - 1) / kChunk;
  const int64_t threads = batch >= 4 * kChunk ? compute_threads() : 1;
  parallel_for(chunks, threads, [&](int64_t chunk, int64_t) {
    solve_range(chunk * kChunk, std::min(batch, (chunk + 1) * kChunk));
  });
}

}  // namespace

bool takes_small_problem_path(const torch::Tensor& F, const torch::Tensor& q, const torch::Tensor& mu,
                              const SolverOptions& options) {
  const bool recording = torch::GradMode::is_enabled() && (F.requires_grad() || q.requires_grad() || mu.requires_grad());
  return options.fused_small_problems && q.device().is_cpu() && q.scalar_type() == torch::kFloat64 &&
         q.size(-1) <= kSmallProblemMaxSize && !recording;
}

SmallProblemSolution solve_small_problems(const torch::Tensor& F_in, const torch::Tensor& q_in,
                                          const torch::Tensor& mu_in, const SolverOptions& options,
                                          std::optional<double> gradient_floor) {
  const torch::Tensor F = F_in.detach().contiguous(), q = q_in.detach().contiguous(), mu = mu_in.detach().contiguous();
  const int64_t batch = q.size(0), n = q.size(1);
  const double tolerance = options.tolerance_for(q.scalar_type());
  torch::Tensor lambda = torch::empty({batch, n}, q.options()), w = torch::empty({batch, n}, q.options());
  torch::Tensor converged = torch::empty({batch}, q.options().dtype(torch::kBool));
  torch::Tensor iterations = torch::empty({batch}, q.options().dtype(torch::kLong));
  torch::Tensor primal = torch::empty({batch}, q.options()), complementarity = torch::empty({batch}, q.options());
  const double *F_data = F.data_ptr<double>(), *q_data = q.data_ptr<double>(), *mu_data = mu.data_ptr<double>();
  double *lambda_data = lambda.data_ptr<double>(), *w_data = w.data_ptr<double>();
  double *primal_data = primal.data_ptr<double>(), *complementarity_data = complementarity.data_ptr<double>();
  bool* converged_data = converged.data_ptr<bool>();
  int64_t* iterations_data = iterations.data_ptr<int64_t>();

  JacobianFactors jacobian;
  double* lu_data = nullptr;
  int32_t* pivots_data = nullptr;
  bool* factored_data = nullptr;
  if (gradient_floor) {
    jacobian = {torch::empty({batch, n, n}, q.options()), torch::empty({batch, n}, q.options().dtype(torch::kInt)),
                torch::empty({batch}, q.options().dtype(torch::kBool))};
    lu_data = jacobian.lu.data_ptr<double>();
    pivots_data = jacobian.pivots.data_ptr<int32_t>();
    factored_data = jacobian.factored.data_ptr<bool>();
  }

  const auto solve_range = [&](int64_t begin, int64_t end) {
    NormalisedProblem p;
    p.n = n;
    for (int64_t b = begin; b < end; ++b) {
      const double* F_raw = F_data + b * n * n;
      const double *q_raw = q_data + b * n, *mu_raw = mu_data + b * n;
      // λ = (β/φ)λ', w = βw' with φ = max|F|, β = max(max|q|, √(φ max μ)), as on the tensor path.
      double matrix_scale = 0.0, q_max = 0.0, mu_max = 0.0;
      for (int64_t k = 0; k < n * n; ++k) matrix_scale = std::max(matrix_scale, std::abs(F_raw[k]));
      for (int64_t i = 0; i < n; ++i) {
        q_max = std::max(q_max, std::abs(q_raw[i]));
        mu_max = std::max(mu_max, mu_raw[i]);
      }
      const double scale = std::max(q_max, std::sqrt(matrix_scale * mu_max));
      const double q_scale = scale > 0 ? scale : 1.0;
      p.q_norm = 0.0;
      for (int64_t k = 0; k < n * n; ++k) p.F[k] = F_raw[k] / matrix_scale;
      for (int64_t i = 0; i < n; ++i) {
        p.q[i] = q_raw[i] / q_scale;
        p.mu[i] = mu_raw[i] * (matrix_scale / (q_scale * q_scale));
        p.q_norm = std::max(p.q_norm, std::abs(p.q[i]));
      }
      const ProblemResult result = solve_normalised_of_size(p, options, tolerance);
      for (int64_t i = 0; i < n; ++i) {
        lambda_data[b * n + i] = result.lambda[i] * (q_scale / matrix_scale);
        w_data[b * n + i] = result.w[i] * q_scale;
      }
      if (gradient_floor) {
        factor_jacobian(n, F_raw, q_raw, lambda_data + b * n, *gradient_floor, lu_data + b * n * n, pivots_data + b * n,
                        factored_data[b]);
      }
      converged_data[b] = result.converged;
      iterations_data[b] = result.iterations;
      primal_data[b] = result.primal_residual;
      complementarity_data[b] = result.complementarity_residual;
    }
  };
  for_problem_chunks(batch, solve_range);
  return {{lambda, w, converged, iterations, primal, complementarity}, jacobian};
}

bool takes_small_adjoint_path(const JacobianFactors& factors, const torch::Tensor& rhs) {
  const bool recording = torch::GradMode::is_enabled() && rhs.requires_grad();
  return factors.lu.device().is_cpu() && factors.lu.scalar_type() == torch::kFloat64 &&
         rhs.scalar_type() == torch::kFloat64 && factors.lu.size(-1) <= kSmallProblemMaxSize && !recording;
}

torch::Tensor solve_jacobian_transposed(const JacobianFactors& factors, const torch::Tensor& rhs_in) {
  const torch::Tensor lu = factors.lu.contiguous(), pivots = factors.pivots.contiguous();
  const torch::Tensor factored = factors.factored.contiguous();
  torch::Tensor solution = rhs_in.detach().contiguous().clone();
  const int64_t batch = solution.size(0), n = solution.size(1);
  const double* lu_data = lu.data_ptr<double>();
  const int32_t* pivots_data = pivots.data_ptr<int32_t>();
  const bool* factored_data = factored.data_ptr<bool>();
  double* solution_data = solution.data_ptr<double>();
  const auto solve_range = [&](int64_t begin, int64_t end) {
    int64_t permutation[kMax];
    double work[kMax];
    for (int64_t b = begin; b < end; ++b) {
      double* x = solution_data + b * n;
      if (!factored_data[b]) {
        std::fill(x, x + n, 0.0);
        continue;
      }
      permutation_of_interchanges(n, pivots_data + b * n, permutation);
      small_lu_solve_transposed<double>(lu_data + b * n * n, permutation, n, x, work);
    }
  };
  for_problem_chunks(batch, solve_range);
  return solution;
}

}  // namespace diffctl::lcp
