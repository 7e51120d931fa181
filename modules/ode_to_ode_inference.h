#pragma once

#include <torch/types.h>

namespace diffctl {

// The ODEtoODE main flow (OdeToOdePolicyImpl) evaluated without autograd on the CPU in
// float64, one observation at a time with Eigen mat-vecs. At n = 16 the LibTorch graph
// costs about a microsecond of dispatch per op and four ops per Euler step — more than the
// arithmetic, and paid once per environment step of a rollout batch however few of its
// episodes are still running. Same formula as OdeToOdePolicyImpl::hidden_states:
//   x₀ = Ω₁ s,  x_i = x_{i−1} + step · |W_i x_{i−1} + b|,  a = Ω₂ x_N.
// Shapes (K copies, B observations each): observations (K, B, d); input (K, n, d), or
// (K, d, n) with Ω₁ = inputᵀ when input_transposed; flow (K, N, n, n); bias (K, n);
// output_frame (K, n, m). Returns actions (K, B, m).
torch::Tensor ode_to_ode_act_cpu(const torch::Tensor& observations, const torch::Tensor& input, bool input_transposed,
                                 const torch::Tensor& flow, const torch::Tensor& bias,
                                 const torch::Tensor& output_frame, double step);

// Whether ode_to_ode_act_cpu applies: no gradient is recorded and every tensor is a CPU
// float64 tensor.
bool ode_to_ode_act_cpu_applies(std::initializer_list<torch::Tensor> tensors);

}  // namespace diffctl
