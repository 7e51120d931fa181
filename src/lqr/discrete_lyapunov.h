#pragma once

#include <torch/types.h>

namespace diffctl {

// Solution of the discrete Lyapunov equation P = Q + Aᵀ P A for a batch (..., n, n).
struct DiscreteLyapunovSolution {
  torch::Tensor P;         // differentiable in A and Q; zero where A is not stable
  torch::Tensor stable;    // bool (...): A is Schur stable (else there is no finite cost)
  torch::Tensor residual;  // (...): ‖Q + AᵀPA − P‖_F / max(1, ‖Q‖_F), the solve's accuracy
};

// How the n² × n² Kronecker systems are factorised.
enum class LyapunovSolver {
  automatic,     // small_kernel for CPU tensors with n ≤ 8, batched_lu otherwise
  batched_lu,    // LibTorch's batched LU (any device; on the CPU one LAPACK call per system)
  small_kernel,  // a loop over the systems on the intra-op thread pool (CPU only)
};

// Direct batched solve through the Kronecker form (I − Aᵀ⊗Aᵀ) vec P = vec Q, one LU per
// system, reused by the backward pass: the adjoint equation (I − Aᵀ⊗Aᵀ)ᵀ v = g is the
// implicit-function gradient (src/implicit/implicit_function.h), never autograd through
// the factorisation. Tensors keep the dtype and device of A. Meant for the small state
// dimensions of control problems (the system is n² × n²).
DiscreteLyapunovSolution solve_discrete_lyapunov(const torch::Tensor& A, const torch::Tensor& Q,
                                                 LyapunovSolver solver = LyapunovSolver::automatic);

// Whether each A (..., n, n) is Schur stable, by the Lyapunov test of the solve above
// (P = I + AᵀPA has a positive definite solution): for the small state dimensions of
// control, far cheaper than eigenvalues.
torch::Tensor is_schur_stable(const torch::Tensor& A);

// max |eig(A)| over the last two dimensions.
torch::Tensor spectral_radius(const torch::Tensor& A);

}  // namespace diffctl
