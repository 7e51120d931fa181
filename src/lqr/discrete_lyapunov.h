#pragma once

#include <torch/types.h>

namespace diffctl {

// Solution of the discrete Lyapunov equation P = Q + Aᵀ P A for a batch (..., n, n).
struct DiscreteLyapunovSolution {
  torch::Tensor P;         // differentiable in A and Q; zero where A is not stable
  torch::Tensor stable;    // bool (...): A is Schur stable (else there is no finite cost)
  torch::Tensor residual;  // (...): ‖Q + AᵀPA − P‖_F / max(1, ‖Q‖_F), the solve's accuracy
};

// Direct batched solve through the Kronecker form (I − Aᵀ⊗Aᵀ) vec P = vec Q, one LU per
// system, reused by the backward pass: the adjoint equation (I − Aᵀ⊗Aᵀ)ᵀ v = g is the
// implicit-function gradient (src/implicit/implicit_function.h), never autograd through
// the factorisation. Tensors keep the dtype and device of A. Meant for the small state
// dimensions of control problems (the system is n² × n²).
DiscreteLyapunovSolution solve_discrete_lyapunov(const torch::Tensor& A, const torch::Tensor& Q);

// max |eig(A)| over the last two dimensions.
torch::Tensor spectral_radius(const torch::Tensor& A);

}  // namespace diffctl
