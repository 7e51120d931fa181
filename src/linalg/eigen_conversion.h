#pragma once

#include <Eigen/Dense>
#include <torch/types.h>

namespace diffctl {

// Copies between a 2-D tensor (any dtype/device) and a float64 Eigen matrix on the CPU,
// for the Eigen reference solvers.
Eigen::MatrixXd to_eigen(const torch::Tensor& matrix);
torch::Tensor to_tensor(const Eigen::MatrixXd& matrix);

}  // namespace diffctl
