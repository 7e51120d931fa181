#include "src/lqr/discrete_lyapunov.h"

#include "src/error.h"
#include "src/implicit/implicit_function.h"
#include "src/linalg/small_lu.h"
#include "src/parallel/parallel_for.h"

#include <ATen/Dispatch.h>
#include <torch/linalg.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

namespace diffctl {

torch::Tensor spectral_radius(const torch::Tensor& A) {
  return torch::linalg::eigvals(A).abs().amax(-1);
}

torch::Tensor is_schur_stable(const torch::Tensor& A) {
  torch::NoGradGuard no_grad;
  const int64_t n = A.size(-1);
  return solve_discrete_lyapunov(A, torch::eye(n, A.options()).expand(A.sizes())).stable;
}

namespace {

// The batched-LU path (any device): forms every Kronecker system as a tensor.
ImplicitSolution solve_with_batched_lu(const torch::Tensor& A, const torch::Tensor& Q) {
  const int64_t batch = A.size(0);
  const int64_t n = A.size(-1);
  // Row-major vec: vec(AᵀPA)[i n + k] = Σ_{j,l} A[j,i] A[l,k] P[j,l].
  const torch::Tensor kron = torch::einsum("bji,blk->bikjl", {A, A}).reshape({batch, n * n, n * n});
  const torch::Tensor system = torch::eye(n * n, A.options()).expand({batch, n * n, n * n}) - kron;
  auto [lu, pivots, info] = torch::linalg_lu_factor_ex(system);
  // Two right-hand sides: Q, and I for the stability test. Lyapunov's theorem: A is Schur
  // stable iff P_I = I + AᵀP_I A has a positive definite solution (one Cholesky, cheaper
  // than eigenvalues; a singular system, |λ_i λ_j| = 1, is unstable too).
  const torch::Tensor identity = torch::eye(n, A.options()).expand({batch, n, n});
  const torch::Tensor both = torch::linalg_lu_solve(
      lu, pivots, torch::stack({Q.reshape({batch, n * n}), identity.reshape({batch, n * n})}, -1));
  const torch::Tensor P_identity = both.select(-1, 1).reshape({batch, n, n});
  const torch::Tensor positive_definite =
      std::get<1>(torch::linalg_cholesky_ex(0.5 * (P_identity + P_identity.transpose(-1, -2)))) == 0;
  const torch::Tensor stable = (info == 0)
                                   .logical_and(torch::isfinite(both).all(-1).all(-1))
                                   .logical_and(positive_definite);
  const auto mask = stable.view({batch, 1, 1});
  const torch::Tensor P = torch::where(mask, both.select(-1, 0).reshape({batch, n, n}), torch::zeros_like(Q));
  const torch::Tensor residual =
      (Q + A.transpose(-1, -2).matmul(P).matmul(A) - P).pow(2).sum({-2, -1}).sqrt() /
      Q.pow(2).sum({-2, -1}).sqrt().clamp_min(1.0);
  return {P, {lu, pivots, stable}, {stable, torch::where(stable, residual, torch::zeros_like(residual))}};
}

// Cholesky without storing the factor: is the symmetric part of the n×n matrix S
// positive definite?
template <class Scalar>
bool symmetric_part_positive_definite(const Scalar* S, int64_t n, Scalar* factor) {
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j <= i; ++j) {
      Scalar value = Scalar(0.5) * (S[i * n + j] + S[j * n + i]);
      for (int64_t k = 0; k < j; ++k) value -= factor[i * n + k] * factor[j * n + k];
      if (i == j) {
        if (!(value > Scalar(0))) return false;
        factor[i * n + i] = std::sqrt(value);
      } else {
        factor[i * n + j] = value / factor[j * n + j];
      }
    }
  }
  return true;
}

// Runs body(begin, end) over [0, batch) in chunks, on compute_threads() threads when the
// batch is large enough to pay for starting them.
void for_system_chunks(int64_t batch, const std::function<void(int64_t begin, int64_t end)>& body) {
  constexpr int64_t kChunk = 128;
  const int64_t chunks = (batch + kChunk - 1) / kChunk;
  const int64_t threads = batch >= 4 * kChunk ? compute_threads() : 1;
  parallel_for(chunks, threads, [&](int64_t chunk, int64_t) {
    body(chunk * kChunk, std::min(batch, (chunk + 1) * kChunk));
  });
}

// Calls body(std::integral_constant<int64_t, n>) for the state dimensions of common control
// problems (so the kernels' loops unroll), body(std::integral_constant<int64_t, 0>) otherwise.
template <class Body>
void with_static_state_dim(int64_t n, Body&& body) {
  switch (n) {
    case 2: return body(std::integral_constant<int64_t, 2>{});
    case 3: return body(std::integral_constant<int64_t, 3>{});
    case 4: return body(std::integral_constant<int64_t, 4>{});
    default: return body(std::integral_constant<int64_t, 0>{});
  }
}

// The same solve, system by system on compute_threads() threads, without materialising the
// batch of Kronecker systems: the same equations and stability test as the batched path,
// except that when Q is positive definite the test reads P itself (Lyapunov: with Q ≻ 0,
// A is stable iff P ≻ 0), saving the second right-hand side.
template <class Scalar, int64_t kStaticN>
void solve_with_small_kernel(const Scalar* A, const Scalar* Q, int64_t batch, int64_t runtime_n, Scalar* P,
                             Scalar* lu, int64_t* permutation, bool* stable, Scalar* residual) {
  const int64_t n = kStaticN > 0 ? kStaticN : runtime_n;
  const int64_t m = n * n;
  constexpr int64_t kStaticM = kStaticN * kStaticN;
  for_system_chunks(batch, [&](int64_t begin, int64_t end) {
    std::vector<Scalar> identity_solution(m), work(m), factor(m), closed(m);
    for (int64_t b = begin; b < end; ++b) {
      const Scalar* a = A + b * m;
      const Scalar* q = Q + b * m;
      Scalar* f = lu + b * m * m;
      Scalar* p = P + b * m;
      int64_t* rows = permutation + b * m;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < n; ++k)
          for (int64_t j = 0; j < n; ++j)
            for (int64_t l = 0; l < n; ++l)
              f[(i * n + k) * m + j * n + l] = Scalar(i == j && k == l) - a[j * n + i] * a[l * n + k];
      bool ok = small_lu_factor<Scalar, kStaticM>(f, rows, m);
      if (ok) {
        for (int64_t r = 0; r < m; ++r) p[r] = q[r];
        small_lu_solve<Scalar, kStaticM>(f, rows, m, p, work.data());
        for (int64_t r = 0; r < m && ok; ++r) ok = std::isfinite(p[r]);
        if (ok && symmetric_part_positive_definite(q, n, factor.data())) {
          ok = symmetric_part_positive_definite(p, n, factor.data());
        } else if (ok) {
          for (int64_t r = 0; r < m; ++r) identity_solution[r] = Scalar(r / n == r % n);
          small_lu_solve<Scalar, kStaticM>(f, rows, m, identity_solution.data(), work.data());
          ok = symmetric_part_positive_definite(identity_solution.data(), n, factor.data());
        }
      }
      stable[b] = ok;
      if (!ok) {
        for (int64_t r = 0; r < m; ++r) p[r] = Scalar(0);
        residual[b] = Scalar(0);
        continue;
      }
      // ‖Q + AᵀPA − P‖_F / max(1, ‖Q‖_F), with closed = P A first.
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < n; ++k) {
          Scalar value = 0;
          for (int64_t j = 0; j < n; ++j) value += p[i * n + j] * a[j * n + k];
          closed[i * n + k] = value;
        }
      Scalar squared = 0, q_squared = 0;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < n; ++k) {
          Scalar value = q[i * n + k] - p[i * n + k];
          for (int64_t j = 0; j < n; ++j) value += a[j * n + i] * closed[j * n + k];
          squared += value * value;
          q_squared += q[i * n + k] * q[i * n + k];
        }
      residual[b] = std::sqrt(squared) / std::max(Scalar(1), std::sqrt(q_squared));
    }
  });
}

ImplicitSolution solve_on_cpu(const torch::Tensor& A_in, const torch::Tensor& Q_in) {
  const torch::Tensor A = A_in.contiguous(), Q = Q_in.contiguous();
  const int64_t batch = A.size(0), n = A.size(-1);
  auto P = torch::empty_like(A);
  auto lu = torch::empty({batch, n * n, n * n}, A.options());
  auto permutation = torch::empty({batch, n * n}, A.options().dtype(torch::kLong));
  auto stable = torch::empty({batch}, A.options().dtype(torch::kBool));
  auto residual = torch::empty({batch}, A.options());
  AT_DISPATCH_FLOATING_TYPES(A.scalar_type(), "solve_discrete_lyapunov", [&] {
    with_static_state_dim(n, [&](auto static_n) {
      solve_with_small_kernel<scalar_t, decltype(static_n)::value>(
          A.data_ptr<scalar_t>(), Q.data_ptr<scalar_t>(), batch, n, P.data_ptr<scalar_t>(), lu.data_ptr<scalar_t>(),
          permutation.data_ptr<int64_t>(), stable.data_ptr<bool>(), residual.data_ptr<scalar_t>());
    });
  });
  return {P, {lu, permutation, stable}, {stable, residual}};
}

// v = −(I − Aᵀ⊗Aᵀ)⁻ᵀ g with the kernel's factors, zero for unsolved systems.
torch::Tensor adjoint_on_cpu(const torch::Tensor& lu, const torch::Tensor& permutation, const torch::Tensor& solved,
                             const torch::Tensor& grad_P) {
  const int64_t batch = grad_P.size(0), n = grad_P.size(-1), m = n * n;
  auto v = grad_P.contiguous().reshape({batch, m}).clone();
  AT_DISPATCH_FLOATING_TYPES(v.scalar_type(), "discrete_lyapunov_adjoint", [&] {
    const scalar_t* factors = lu.data_ptr<scalar_t>();
    const int64_t* rows = permutation.data_ptr<int64_t>();
    const bool* ok = solved.data_ptr<bool>();
    scalar_t* values = v.data_ptr<scalar_t>();
    with_static_state_dim(n, [&](auto static_n) {
      constexpr int64_t kStaticM = decltype(static_n)::value * decltype(static_n)::value;
      for_system_chunks(batch, [&](int64_t begin, int64_t end) {
        std::vector<scalar_t> work(m);
        for (int64_t b = begin; b < end; ++b) {
          scalar_t* x = values + b * m;
          if (!ok[b]) {
            std::fill(x, x + m, scalar_t(0));
            continue;
          }
          small_lu_solve_transposed<scalar_t, kStaticM>(factors + b * m * m, rows + b * m, m, x, work.data());
          for (int64_t r = 0; r < m; ++r) x[r] = -x[r];
        }
      });
    });
  });
  return v.view_as(grad_P);
}

// The pieces of P = Q + AᵀPA for ImplicitFunction; inputs are {A, Q} flattened to (N, n, n).
struct DiscreteLyapunovLayer {
  struct Options {
    LyapunovSolver solver = LyapunovSolver::batched_lu;  // resolved: never automatic here
  };

  static ImplicitSolution solve(at::TensorList inputs, const Options& options) {
    return options.solver == LyapunovSolver::small_kernel ? solve_on_cpu(inputs[0], inputs[1])
                                                          : solve_with_batched_lu(inputs[0], inputs[1]);
  }

  static torch::Tensor residual(const torch::Tensor& P, at::TensorList inputs, const Options&) {
    const torch::Tensor& A = inputs[0];
    return inputs[1] + A.transpose(-1, -2).matmul(P).matmul(A) - P;
  }

  // ∂h/∂P = Aᵀ(·)A − I = −(I − Aᵀ⊗Aᵀ): v = −(I − Aᵀ⊗Aᵀ)⁻ᵀ g, zero for unsolved systems.
  static torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_P, const Options& options) {
    const torch::Tensor& solved = saved[2];
    if (options.solver == LyapunovSolver::small_kernel) return adjoint_on_cpu(saved[0], saved[1], solved, grad_P);
    const int64_t batch = grad_P.size(0);
    const int64_t n = grad_P.size(-1);
    // Unsolved systems may have a singular factorisation: their adjoint is set to zero
    // after the solve rather than solved for.
    const torch::Tensor v = -torch::linalg_lu_solve(saved[0], saved[1], grad_P.reshape({batch, n * n, 1}),
                                                    /*left=*/true, /*adjoint=*/true)
                                 .reshape({batch, n, n});
    return torch::where(solved.view({batch, 1, 1}), v, torch::zeros_like(v));
  }
};

}  // namespace

DiscreteLyapunovSolution solve_discrete_lyapunov(const torch::Tensor& A, const torch::Tensor& Q,
                                                 LyapunovSolver solver) {
  if (A.dim() < 2 || A.size(-1) != A.size(-2) || Q.sizes() != A.sizes()) {
    throw InputError("solve_discrete_lyapunov: expected A and Q of the same shape (..., n, n), got " +
                     c10::str(A.sizes()) + " and " + c10::str(Q.sizes()));
  }
  const auto batch_shape = A.sizes().slice(0, A.dim() - 2).vec();
  const int64_t n = A.size(-1);
  if (solver == LyapunovSolver::automatic) {
    solver = A.device().is_cpu() && n <= 8 ? LyapunovSolver::small_kernel : LyapunovSolver::batched_lu;
  }
  if (solver == LyapunovSolver::small_kernel && !A.device().is_cpu()) {
    throw InputError("solve_discrete_lyapunov: the small kernel runs on the CPU, got a tensor on " +
                     A.device().str());
  }
  const auto flat = ImplicitFunction<DiscreteLyapunovLayer>::apply(
      at::TensorList({A.reshape({-1, n, n}), Q.reshape({-1, n, n})}), DiscreteLyapunovLayer::Options{solver});
  auto matrix_shape = batch_shape;
  matrix_shape.insert(matrix_shape.end(), {n, n});
  return {flat[0].reshape(matrix_shape), flat[1].reshape(batch_shape), flat[2].reshape(batch_shape)};
}

}  // namespace diffctl
