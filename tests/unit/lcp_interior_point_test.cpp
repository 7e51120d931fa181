#include "data/lcs/random_lcp.h"
#include "src/error.h"
#include "src/lcp/interior_point.h"
#include "src/lcp/reference_lcp.h"
#include "src/linalg/eigen_conversion.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Acceptance: ≥ 10,000 random P-matrix LCPs, n = 1..24, μ = 0, against Lemke (and
// enumeration for n ≤ 10) to 1e-8 relative, every problem converged.
TEST(LcpInteriorPoint, MatchesLemkeAndEnumerationOnTenThousandRandomProblems) {
  constexpr int64_t kPerDimension = 420;  // 24 × 420 = 10,080 problems
  int64_t checked = 0;
  for (int64_t n = 1; n <= 24; ++n) {
    const LcpBatch problems = random_p_matrix_lcps(kPerDimension, n, make_generator(100 + n));
    const lcp::Solution solution = lcp::solve(problems.F, problems.q);
    ASSERT_TRUE(solution.summary.converged.all().item<bool>()) << "n = " << n;
    for (int64_t b = 0; b < kPerDimension; ++b) {
      const Eigen::MatrixXd F = to_eigen(problems.F[b]);
      const Eigen::VectorXd q = to_eigen(problems.q[b].unsqueeze(-1));
      const lcp::ReferenceSolution lemke = lcp::solve_lemke(F, q);
      ASSERT_TRUE(lemke.solved) << "n = " << n << ", problem " << b;
      const Eigen::VectorXd lambda = to_eigen(solution.lambda[b].unsqueeze(-1));
      const double scale = std::max(1.0, lemke.lambda.cwiseAbs().maxCoeff());
      ASSERT_LE((lambda - lemke.lambda).cwiseAbs().maxCoeff() / scale, 1e-8)
          << "n = " << n << ", problem " << b << "\ninterior point: " << lambda.transpose()
          << "\nLemke:          " << lemke.lambda.transpose();
      if (n <= 10) {
        const lcp::ReferenceSolution enumerated = lcp::solve_by_enumeration(F, q);
        ASSERT_TRUE(enumerated.solved);
        ASSERT_LE((lambda - enumerated.lambda).cwiseAbs().maxCoeff() / scale, 1e-8) << "n = " << n;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 10000);
}

}  // namespace
}  // namespace diffctl
