// taylor_matrix_exp against LibTorch's Padé-based torch::linalg::matrix_exp (an independent
// algorithm) over the norms a flow step meets and beyond, orthogonality for skew-symmetric
// arguments, and its autograd backward against finite differences.
#include "src/autograd/gradient_check.h"
#include "src/linalg/taylor_matrix_exp.h"

#include <gtest/gtest.h>
#include <torch/linalg.h>

namespace diffctl {
namespace {

torch::Tensor random_matrices(std::vector<int64_t> shape, double one_norm, torch::ScalarType dtype, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto A = torch::randn(shape, generator, torch::kFloat64);
  return (A * (one_norm / A.abs().sum(-2).amax(-1, true).unsqueeze(-1))).to(dtype);  // each matrix at 1-norm one_norm
}

TEST(TaylorMatrixExp, AgreesWithPadeOverNormsAndBatchShapes) {
  for (const double norm : {0.0, 1e-6, 0.05, 0.5, 1.0, 3.0, 40.0}) {
    const auto A = random_matrices({2, 3, 16, 16}, norm, torch::kFloat64, 7);
    const auto expected = torch::linalg::matrix_exp(A);
    const double scale = expected.abs().max().item<double>();
    EXPECT_LT((taylor_matrix_exp(A) - expected).abs().max().item<double>(), 1e-13 * std::max(1.0, scale)) << norm;
    const auto A32 = A.to(torch::kFloat32);
    EXPECT_LT((taylor_matrix_exp(A32).to(torch::kFloat64) - expected).abs().max().item<double>(),
              2e-5 * std::max(1.0, scale))
        << norm;
  }
}

TEST(TaylorMatrixExp, SkewSymmetricArgumentsGiveOrthogonalMatrices) {
  for (const double norm : {0.01, 0.3, 5.0}) {
    const auto G = random_matrices({4, 64, 64}, norm, torch::kFloat64, 11);
    const auto E = taylor_matrix_exp(G - G.transpose(-1, -2));
    const auto gram = E.transpose(-1, -2).matmul(E) - torch::eye(64, torch::kFloat64);
    EXPECT_LT(gram.abs().max().item<double>(), 1e-14) << norm;
  }
}

TEST(TaylorMatrixExp, BackwardMatchesFiniteDifferences) {
  for (const double norm : {0.2, 2.5}) {  // without and with squarings
    const auto A = random_matrices({2, 5, 5}, norm, torch::kFloat64, 3).requires_grad_();
    const auto check = check_gradients([](const std::vector<torch::Tensor>& x) { return taylor_matrix_exp(x[0]); }, {A});
    EXPECT_TRUE(check.passed) << check.report;
  }
}

TEST(TaylorMatrixExp, NonFiniteInputGivesNaN) {
  auto A = torch::zeros({3, 3}, torch::kFloat64);
  A[1][2] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(taylor_matrix_exp(A).isnan().all().item<bool>());
}

}  // namespace
}  // namespace diffctl
