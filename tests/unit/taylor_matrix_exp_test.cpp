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
    EXPECT_LT(gram.abs().max().item<double>(), 1e-13) << norm;  // rounding of up to 6 squarings of 64 × 64 products
  }
}

// ES evaluates its policies' copies in batches whose make-up depends on the threads and
// the MPI ranks: a matrix's exponential must not depend on what is batched with it.
TEST(TaylorMatrixExp, EachMatrixIsIndependentOfItsBatch) {
  const auto small = random_matrices({1, 8, 8}, 0.1, torch::kFloat64, 5);
  const auto large = random_matrices({1, 8, 8}, 9.0, torch::kFloat64, 6);
  const auto together = taylor_matrix_exp(torch::cat({small, large}));
  EXPECT_TRUE(torch::equal(together[0], taylor_matrix_exp(small)[0]));
  EXPECT_TRUE(torch::equal(together[1], taylor_matrix_exp(large)[0]));
}

TEST(TaylorMatrixExp, BackwardMatchesFiniteDifferences) {
  for (const double norm : {0.2, 2.5}) {  // without and with squarings
    // and a batch of both: squarings that differ per matrix
    const auto mixed = torch::cat({random_matrices({1, 4, 4}, 0.1, torch::kFloat64, 8),
                                   random_matrices({1, 4, 4}, 3.0, torch::kFloat64, 9)}).requires_grad_();
    const auto mixed_check = check_gradients([](const std::vector<torch::Tensor>& x) { return taylor_matrix_exp(x[0]); }, {mixed});
    EXPECT_TRUE(mixed_check.passed) << mixed_check.report;
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
