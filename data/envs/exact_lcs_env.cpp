#include "data/envs/exact_lcs_env.h"

#include "src/error.h"
#include "src/lcp/p_matrix.h"
#include "src/lcp/reference_lcp.h"
#include "src/linalg/eigen_conversion.h"
#include "src/random/counter_random.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

ExactLcsEnv::ExactLcsEnv(const LCSMatrices& m, const QuadraticCost& cost, const torch::Tensor& initial_state_bounds,
                         int64_t episode_length)
    : input_weight_(cost.input_weight), episode_length_(episode_length) {
  m.validate();
  lcp::require_p_matrix(m.F, "F");
  const int64_t n = m.A.size(0);
  if (cost.state_weights.numel() != n || initial_state_bounds.numel() != n) {
    throw InputError("exact LCS: the cost's state weights and the initial-state bounds need " + std::to_string(n) +
                     " entries each");
  }
  if (episode_length < 1) throw InputError("exact LCS: episode_length must be >= 1");
  A_ = to_eigen(m.A);
  B_ = to_eigen(m.B);
  C_ = to_eigen(m.C);
  D_ = to_eigen(m.D);
  E_ = to_eigen(m.E);
  F_ = to_eigen(m.F);
  c_ = to_eigen(m.c.unsqueeze(1));
  d_ = to_eigen(m.d.unsqueeze(1));
  state_weights_ = to_eigen(cost.state_weights.to(torch::kFloat64).reshape({n, 1}));
  bounds_ = to_eigen(initial_state_bounds.to(torch::kFloat64).reshape({n, 1}));
  state_ = Eigen::VectorXd::Zero(n);
  impulse_ = Eigen::VectorXd::Zero(C_.cols());
}

void ExactLcsEnv::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  for (Eigen::Index i = 0; i < state_.size(); ++i) state_[i] = random.uniform(-bounds_[i], bounds_[i]);
  impulse_.setZero();
  std::copy(state_.data(), state_.data() + state_.size(), observation);
}

StepResult ExactLcsEnv::step(const double* action, double* observation) {
  const Eigen::Map<const Eigen::VectorXd> u(action, B_.cols());
  if (!u.allFinite() || !state_.allFinite()) {
    state_.setConstant(std::nan(""));
    std::copy(state_.data(), state_.data() + state_.size(), observation);
    return {std::nan(""), true};
  }
  const double cost = state_.dot(state_weights_.cwiseProduct(state_)) + input_weight_ * u.squaredNorm();
  const auto contact = lcp::solve_lemke(F_, D_ * state_ + E_ * u + d_);
  if (!contact.solved) throw Error("exact LCS: Lemke's method failed on a P-matrix LCP");
  impulse_ = contact.lambda;
  state_ = A_ * state_ + B_ * u + C_ * impulse_ + c_;
  std::copy(state_.data(), state_.data() + state_.size(), observation);
  return {-cost, !state_.allFinite()};
}

void ExactLcsEnv::last_impulse(double* lambda) const { std::copy(impulse_.data(), impulse_.data() + impulse_.size(), lambda); }

}  // namespace diffctl
