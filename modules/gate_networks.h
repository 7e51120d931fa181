#pragma once

#include <torch/types.h>

namespace diffctl {

// The gated sum of small time networks of gated-ODEtoODE and the gated HyperNet
// (ode-to-ode.md section 3.1): G(t) = Σᵢ aᵢ fᵢ(t), fᵢ: ℝ → ℝⁿˣⁿ with one hidden layer of
// width s and activation |·|, fᵢ(t) = Σⱼ Mᵢⱼ |uᵢⱼ t + cᵢⱼ|. gated-ODEtoODE's b_ψ(t) is
// G(t) − G(t)ᵀ = Σᵢ aᵢ (fᵢ(t) − fᵢ(t)ᵀ); the HyperNet uses G(t) itself as its weights.
// For coefficients a (K, g), in_weight u and in_bias c (K, g, s), out M (K, g, s, n, n) and
// times (N), returns G at every time, (K, N, n, n).
torch::Tensor gated_matrices(const torch::Tensor& coefficients, const torch::Tensor& in_weight,
                             const torch::Tensor& in_bias, const torch::Tensor& out, const torch::Tensor& times);

}  // namespace diffctl
