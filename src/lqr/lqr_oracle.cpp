#include "src/lqr/lqr_oracle.h"

#include "src/error.h"
#include "src/lqr/reference_lqr.h"
#include "src/random/counter_random.h"

#include <cmath>
#include <limits>

namespace diffctl {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}  // namespace

LqrOracle::LqrOracle(Eigen::MatrixXd A, Eigen::MatrixXd B, Eigen::MatrixXd Q, Eigen::MatrixXd R,
                     Eigen::MatrixXd Sigma, Eigen::MatrixXd initial_states)
    : A_(std::move(A)), B_(std::move(B)), Q_(std::move(Q)), R_(std::move(R)), Sigma_(std::move(Sigma)),
      initial_states_(std::move(initial_states)) {
  if (initial_states_.size() == 0) {
    // x₀ = LΣ z with z ~ N(0, I), LΣ from the eigendecomposition (Σ may be singular).
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(Sigma_);
    sigma_factor_ = eigen.eigenvectors() * eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
  }
}

double LqrOracle::cost(const Eigen::MatrixXd& K) const {
  const Eigen::MatrixXd closed_loop = A_ - B_ * K;
  if (!(closed_loop.eigenvalues().cwiseAbs().maxCoeff() < 1.0)) return kInfinity;
  try {
    return (reference::solve_discrete_lyapunov(closed_loop, Q_ + K.transpose() * R_ * K) * Sigma_).trace();
  } catch (const Error&) {
    return kInfinity;  // too close to the stability boundary to converge: as good as unstable
  }
}

Eigen::VectorXd LqrOracle::initial_state(uint64_t seed) const {
  CounterRandom random(seed);
  if (initial_states_.size() > 0) {
    const auto rows = initial_states_.rows();
    const auto row = std::min<Eigen::Index>(static_cast<Eigen::Index>(random.uniform(0.0, static_cast<double>(rows))), rows - 1);
    return initial_states_.row(row).transpose();
  }
  Eigen::VectorXd z(A_.rows());
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    // Box–Muller from two uniforms of the stream.
    const double u1 = 1.0 - random.uniform(0.0, 1.0), u2 = random.uniform(0.0, 1.0);
    z[i] = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  return sigma_factor_ * z;
}

double LqrOracle::sample(const Eigen::MatrixXd& K, uint64_t seed, LqrOracleObjective objective, int64_t horizon) const {
  const Eigen::VectorXd x0 = initial_state(seed);
  const Eigen::MatrixXd closed_loop = A_ - B_ * K;
  if (objective == LqrOracleObjective::rollout) {
    Eigen::VectorXd x = x0;
    double total = 0.0;
    for (int64_t t = 0; t < horizon; ++t) {
      const Eigen::VectorXd u = -K * x;
      total += x.dot(Q_ * x) + u.dot(R_ * u);
      x = closed_loop * x;
    }
    return std::isfinite(total) ? total : kInfinity;
  }
  if (!(closed_loop.eigenvalues().cwiseAbs().maxCoeff() < 1.0)) return kInfinity;
  try {
    return x0.dot(reference::solve_discrete_lyapunov(closed_loop, Q_ + K.transpose() * R_ * K) * x0);
  } catch (const Error&) {
    return kInfinity;
  }
}

double LqrOracle::optimal_cost() const { return (reference::solve_dare(A_, B_, Q_, R_) * Sigma_).trace(); }

Eigen::MatrixXd LqrOracle::optimal_gain() const {
  return reference::riccati_gain(A_, B_, R_, reference::solve_dare(A_, B_, Q_, R_));
}

}  // namespace diffctl
