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
  static ImplicitSolution solve(at::TensorList inputs) {
    const torch::Tensor& A = inputs[0];
    const torch::Tensor& Q = inputs[1];
    const int64_t batch = A.size(0);
    const int64_t n = A.size(-1);
    const torch::Tensor stable = spectral_radius(A) < 1.0;
    const auto mask = stable.view({batch, 1, 1});
    // Unstable systems are swapped for A = 0 so that every factorisation is regular.
    const torch::Tensor A_safe = torch::where(mask, A, torch::zeros_like(A));
    // Row-major vec: vec(AᵀPA)[i n + k] = Σ_{j,l} A[j,i] A[l,k] P[j,l].
    const torch::Tensor kron = torch::einsum("bji,blk->bikjl", {A_safe, A_safe})
                                   .reshape({batch, n * n, n * n});
    const torch::Tensor system =
        torch::eye(n * n, A.options()).expand({batch, n * n, n * n}) - kron;
    auto [lu, pivots, info] = torch::linalg_lu_factor_ex(system);
    const torch::Tensor q = torch::where(mask, Q, torch::zeros_like(Q)).reshape({batch, n * n, 1});
    const torch::Tensor P = torch::linalg_lu_solve(lu, pivots, q).reshape({batch, n, n});
    const torch::Tensor residual =
        (Q + A.transpose(-1, -2).matmul(P).matmul(A) - P).pow(2).sum({-2, -1}).sqrt() /
        Q.pow(2).sum({-2, -1}).sqrt().clamp_min(1.0);
    const torch::Tensor solved = stable.logical_and(info == 0);
    return {P, {lu, pivots, solved}, {solved, torch::where(solved, residual, torch::zeros_like(residual))}};
  }

  static torch::Tensor residual(const torch::Tensor& P, at::TensorList inputs) {
    const torch::Tensor& A = inputs[0];
    return inputs[1] + A.transpose(-1, -2).matmul(P).matmul(A) - P;
  }

  // ∂h/∂P = Aᵀ(·)A − I = −(I − Aᵀ⊗Aᵀ): v = −(I − Aᵀ⊗Aᵀ)⁻ᵀ g, zero for unsolved systems.
  static torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_P) {
    const torch::Tensor& lu = saved[0];
    const torch::Tensor& pivots = saved[1];
    const torch::Tensor& solved = saved[2];
    const int64_t batch = grad_P.size(0);
    const int64_t n = grad_P.size(-1);
    const torch::Tensor g = torch::where(solved.view({batch, 1, 1}), grad_P,
                                         torch::zeros_like(grad_P));
    return -torch::linalg_lu_solve(lu, pivots, g.reshape({batch, n * n, 1}), /*left=*/true,
                                   /*adjoint=*/true)
                .reshape({batch, n, n});
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
      at::TensorList({A.reshape({-1, n, n}), Q.reshape({-1, n, n})}));
  auto matrix_shape = batch_shape;
  matrix_shape.insert(matrix_shape.end(), {n, n});
  return {flat[0].reshape(matrix_shape), flat[1].reshape(batch_shape), flat[2].reshape(batch_shape)};
}

}  // namespace diffctl
