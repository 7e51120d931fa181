#include "src/lqr/reference_lqr.h"

#include "src/error.h"

#include <Eigen/Eigenvalues>

#include <string>

namespace diffctl::reference {

namespace {
constexpr int kMaxDoublings = 100;
constexpr double kRelativeTolerance = 1e-14;
}  // namespace

Eigen::MatrixXd solve_discrete_lyapunov(const Eigen::MatrixXd& A, const Eigen::MatrixXd& Q) {
  const double radius = A.eigenvalues().cwiseAbs().maxCoeff();
  if (!(radius < 1.0)) {
    throw Error("reference::solve_discrete_lyapunov: A is not stable (spectral radius " +
                std::to_string(radius) + ")");
  }
  Eigen::MatrixXd P = Q;
  Eigen::MatrixXd power = A;
  for (int k = 0; k < kMaxDoublings; ++k) {
    const Eigen::MatrixXd increment = power.transpose() * P * power;
    P += increment;
    power = power * power;
    if (increment.norm() <= kRelativeTolerance * P.norm()) return P;
  }
  throw Error("reference::solve_discrete_lyapunov: no convergence in " +
              std::to_string(kMaxDoublings) + " doublings (spectral radius " +
              std::to_string(radius) + ")");
}

Eigen::MatrixXd solve_dare(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                           const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R) {
  const Eigen::Index n = A.rows();
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd Ak = A;
  Eigen::MatrixXd Gk = B * R.llt().solve(B.transpose());
  Eigen::MatrixXd Hk = Q;
  for (int k = 0; k < kMaxDoublings; ++k) {
    const Eigen::PartialPivLU<Eigen::MatrixXd> W(identity + Gk * Hk);
    const Eigen::MatrixXd W_A = W.solve(Ak);
    const Eigen::MatrixXd W_G = W.solve(Gk);
    const Eigen::MatrixXd H_next = Hk + Ak.transpose() * Hk * W_A;
    Gk = Gk + Ak * W_G * Ak.transpose();
    Ak = Ak * W_A;
    const double change = (H_next - Hk).norm();
    Hk = 0.5 * (H_next + H_next.transpose());
    if (change <= kRelativeTolerance * Hk.norm()) {
      const Eigen::MatrixXd K = riccati_gain(A, B, R, Hk);
      const Eigen::MatrixXd residual =
          Q + A.transpose() * Hk * A - A.transpose() * Hk * B * K - Hk;
      if (residual.norm() > 1e-8 * std::max(1.0, Hk.norm())) {
        throw Error("reference::solve_dare: doubling converged to a non-solution (residual " +
                    std::to_string(residual.norm()) + ")");
      }
      return Hk;
    }
  }
  throw Error("reference::solve_dare: no convergence in " + std::to_string(kMaxDoublings) +
              " doublings; is (A, B) stabilisable and (A, Q) detectable?");
}

Eigen::MatrixXd riccati_gain(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                             const Eigen::MatrixXd& R, const Eigen::MatrixXd& P) {
  return (R + B.transpose() * P * B).ldlt().solve(B.transpose() * P * A);
}

CostAndGradient lqr_cost_and_gradient(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                                      const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R,
                                      const Eigen::MatrixXd& Sigma, const Eigen::MatrixXd& K) {
  const Eigen::MatrixXd closed_loop = A - B * K;
  const Eigen::MatrixXd P = solve_discrete_lyapunov(closed_loop, Q + K.transpose() * R * K);
  const Eigen::MatrixXd state_correlation = solve_discrete_lyapunov(closed_loop.transpose(), Sigma);
  const Eigen::MatrixXd gradient =
      2.0 * ((R + B.transpose() * P * B) * K - B.transpose() * P * A) * state_correlation;
  return {(P * Sigma).trace(), gradient};
}

}  // namespace diffctl::reference
