#include "src/error.h"
#include "src/lqr/reference_lqr.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

namespace diffctl {
namespace {

TEST(ReferenceDare, SolvesTheRiccatiEquationAndStabilises) {
  std::srand(3);
  for (int n : {2, 3, 5, 8}) {
    const Eigen::MatrixXd A = Eigen::MatrixXd::Random(n, n) * 2.0;  // typically unstable
    const Eigen::MatrixXd B = Eigen::MatrixXd::Random(n, n / 2 + 1);
    const Eigen::MatrixXd Q = Eigen::MatrixXd::Identity(n, n);
    const Eigen::MatrixXd R = Eigen::MatrixXd::Identity(n / 2 + 1, n / 2 + 1);
    const auto P = reference::solve_dare(A, B, Q, R);
    const auto K = reference::riccati_gain(A, B, R, P);
    const Eigen::MatrixXd residual =
        Q + A.transpose() * P * A - A.transpose() * P * B * (R + B.transpose() * P * B).inverse() * B.transpose() * P * A - P;
    EXPECT_LT(residual.norm(), 1e-8 * P.norm()) << "n = " << n;
    EXPECT_LT(Eigen::MatrixXd(A - B * K).eigenvalues().cwiseAbs().maxCoeff(), 1.0);
    // The optimal cost-to-go is also the Lyapunov solution of its own closed loop.
    const auto P_lyapunov = reference::solve_discrete_lyapunov(A - B * K, Q + K.transpose() * R * K);
    EXPECT_LT((P_lyapunov - P).norm(), 1e-8 * P.norm());
  }
}

TEST(ReferenceLyapunov, RejectsUnstableMatrices) {
  EXPECT_THROW(reference::solve_discrete_lyapunov(1.5 * Eigen::MatrixXd::Identity(2, 2),
                                                  Eigen::MatrixXd::Identity(2, 2)),
               Error);
}

}  // namespace
}  // namespace diffctl
