#pragma once

#include <torch/types.h>

namespace diffctl {

// exp(A) for a batch of square matrices (…, n, n): each matrix scaled by 2^−s to
// ‖A‖₁ ≤ 1/4, the Taylor polynomial of the smallest degree whose remainder bound
// x^{m+1}/(m+1)! · 1/(1 − x/(m+2)) at x = 1/4 is below the dtype's unit roundoff, evaluated
// by Paterson–Stockmeyer (about 2√m products), then s squarings. Each matrix's result is
// independent of the others in the batch.
// Built from matmuls, so autograd differentiates it; for the small steps of an ODE flow
// (‖ηB‖₁ ≲ 1) it needs far fewer products than torch::linalg::matrix_exp, whose
// backward is an exponential of the 2n × 2n block matrix [[Aᵀ, G], [0, Aᵀ]].
torch::Tensor taylor_matrix_exp(const torch::Tensor& A);

}  // namespace diffctl
