#include "src/linalg/eigen_conversion.h"

namespace diffctl {

Eigen::MatrixXd to_eigen(const torch::Tensor& matrix) {
  TORCH_CHECK(matrix.dim() == 2, "to_eigen: expected a matrix, got shape ", matrix.sizes());
  const auto cpu = matrix.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(cpu.data_ptr<double>(), cpu.size(0), cpu.size(1));
}

torch::Tensor to_tensor(const Eigen::MatrixXd& matrix) {
  auto tensor = torch::empty({matrix.rows(), matrix.cols()}, torch::kFloat64);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<RowMajor>(tensor.data_ptr<double>(), matrix.rows(), matrix.cols()) = matrix;
  return tensor;
}

}  // namespace diffctl
