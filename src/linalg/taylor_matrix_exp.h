#pragma once

#include <torch/types.h>

namespace diffctl {

// exp(A) for a batch of square matrices (…, n, n): the Taylor polynomial of the smallest
// degree whose remainder bound, ‖A‖₁^{m+1}/(m+1)! · 1/(1 − ‖A‖₁/(m+2)) at the batch's
// largest 1-norm, is below the dtype's unit roundoff, evaluated by Paterson–Stockmeyer
// (about 2√m products), after scaling A by 2^−s to ‖A‖₁ ≤ 1 and followed by s squarings.
// Built from matmuls, so autograd differentiates it; for the small steps of an ODE flow
// (‖ηB‖₁ ≲ 1) it needs far fewer products than torch::linalg::matrix_exp, whose
// backward is an exponential of the 2n × 2n block matrix [[Aᵀ, G], [0, Aᵀ]].
torch::Tensor taylor_matrix_exp(const torch::Tensor& A);

}  // namespace diffctl
