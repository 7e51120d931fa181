#include "src/lqr/discrete_lyapunov.h"

#include "src/error.h"
#include "src/implicit/implicit_function.h"

#include <torch/linalg.h>

namespace diffctl {

torch::Tensor spectral_radius(const torch::Tensor& A) {
  return torch::linalg::eigvals(A).abs().amax(-1);
}

namespace {

// The pieces of P = Q + AᵀPA for ImplicitFunction; inputs are {A, Q} flattened to (N, n, n).
struct DiscreteLyapunovLayer {
  struct Options {};  // a direct solve: nothing to set

  static ImplicitSolution solve(at::TensorList inputs, const Options&) {
    const torch::Tensor& A = inputs[0];
    const torch::Tensor& Q = inputs[1];
    const int64_t batch = A.size(0);
    const int64_t n = A.size(-1);
    // Row-major vec: vec(AᵀPA)[i n + k] = Σ_{j,l} A[j,i] A[l,k] P[j,l].
    const torch::Tensor kron =
        torch::einsum("bji,blk->bikjl", {A, A}).reshape({batch, n * n, n * n});
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

  static torch::Tensor residual(const torch::Tensor& P, at::TensorList inputs, const Options&) {
    const torch::Tensor& A = inputs[0];
    return inputs[1] + A.transpose(-1, -2).matmul(P).matmul(A) - P;
  }

  // ∂h/∂P = Aᵀ(·)A − I = −(I − Aᵀ⊗Aᵀ): v = −(I − Aᵀ⊗Aᵀ)⁻ᵀ g, zero for unsolved systems.
  static torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_P, const Options&) {
    const torch::Tensor& lu = saved[0];
    const torch::Tensor& pivots = saved[1];
    const torch::Tensor& solved = saved[2];
    const int64_t batch = grad_P.size(0);
    const int64_t n = grad_P.size(-1);
    // Unsolved systems may have a singular factorisation: their adjoint is set to zero
    // after the solve rather than solved for.
    const torch::Tensor v = -torch::linalg_lu_solve(lu, pivots, grad_P.reshape({batch, n * n, 1}),
                                                    /*left=*/true, /*adjoint=*/true)
                                 .reshape({batch, n, n});
    return torch::where(solved.view({batch, 1, 1}), v, torch::zeros_like(v));
  }
};

}  // namespace

DiscreteLyapunovSolution solve_discrete_lyapunov(const torch::Tensor& A, const torch::Tensor& Q) {
  if (A.dim() < 2 || A.size(-1) != A.size(-2) || Q.sizes() != A.sizes()) {
    throw InputError("solve_discrete_lyapunov: expected A and Q of the same shape (..., n, n), got " +
                     c10::str(A.sizes()) + " and " + c10::str(Q.sizes()));
  }
  const auto batch_shape = A.sizes().slice(0, A.dim() - 2).vec();
  const int64_t n = A.size(-1);
  const auto flat = ImplicitFunction<DiscreteLyapunovLayer>::apply(
      at::TensorList({A.reshape({-1, n, n}), Q.reshape({-1, n, n})}), DiscreteLyapunovLayer::Options{});
  auto matrix_shape = batch_shape;
  matrix_shape.insert(matrix_shape.end(), {n, n});
  return {flat[0].reshape(matrix_shape), flat[1].reshape(batch_shape), flat[2].reshape(batch_shape)};
}

}  // namespace diffctl
