#pragma once

#include "src/config/enum_names.h"

#include <Eigen/Dense>

#include <cstdint>

namespace diffctl {

enum class LqrOracleObjective {
  exact,    // F(K) = x₀ᵀ P_K x₀ for one sampled initial state (E F = C(K))
  rollout,  // F(K) = Σ_{t<H} xₜᵀQxₜ + uₜᵀRuₜ along u = −Kx from one sampled x₀
};
inline constexpr EnumNames<LqrOracleObjective, 2> kLqrOracleObjectiveNames{
    {{LqrOracleObjective::exact, "exact"}, {LqrOracleObjective::rollout, "rollout"}}};

// The values a derivative-free method may query for u = −Kx on one LQR system, in Eigen
// (microseconds each, so they run on worker threads): the cost C(K) = tr(P_K Σ) and noisy
// single-initial-state samples of it. An unstable K is worth +∞.
class LqrOracle {
 public:
  // initial_states (S, n): x₀ uniform over its rows; empty: x₀ ~ N(0, Sigma).
  LqrOracle(Eigen::MatrixXd A, Eigen::MatrixXd B, Eigen::MatrixXd Q, Eigen::MatrixXd R, Eigen::MatrixXd Sigma,
            Eigen::MatrixXd initial_states);

  double cost(const Eigen::MatrixXd& K) const;
  // One sample of F(K) with its initial state drawn from `seed` alone.
  double sample(const Eigen::MatrixXd& K, uint64_t seed, LqrOracleObjective objective, int64_t horizon) const;
  Eigen::VectorXd initial_state(uint64_t seed) const;

  // C(K*) and K* from the Riccati equation.
  double optimal_cost() const;
  Eigen::MatrixXd optimal_gain() const;

  Eigen::Index state_dim() const { return A_.rows(); }
  Eigen::Index input_dim() const { return B_.cols(); }

 private:
  Eigen::MatrixXd A_, B_, Q_, R_, Sigma_, initial_states_, sigma_factor_;
};

}  // namespace diffctl
