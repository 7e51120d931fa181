#pragma once

#include <torch/types.h>

#include <vector>

namespace diffctl {

// The explicit Euler discretisation every ODE flow of ode-to-ode.md shares as its main
// flow, x_{i+1} = x_i + h |W_i x_i + b_i| (ODEtoODE, NANODE, HyperNet; the ResNet with
// h = 1): for states x₀ (K, B, n), weights (K, N, n, n) and biases (K, N, n) or one bias
// (K, n) for every step, the states x₀, …, x_N, each (K, B, n).
std::vector<torch::Tensor> absolute_euler_flow(const torch::Tensor& start, const torch::Tensor& weights,
                                               const torch::Tensor& biases, double step);

}  // namespace diffctl
