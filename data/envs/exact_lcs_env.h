#pragma once

#include "data/envs/contact_task.h"

#include <Eigen/Dense>

namespace diffctl {

// Any contact task's real system: the exact LCS x⁺ = Ax + Bu + Cλ + c, λ the LCP's solution
// (μ = 0, Lemke's method), rewarded −(xᵀQx + uᵀRu) at the state the step starts from.
// Episodes start uniform in the task's initial-state box (one CounterRandom draw per
// component, in order) and last `episode_length` steps; a state that stops being finite ends
// the episode.
class ExactLcsEnv : public LcsEnv {
 public:
  ExactLcsEnv(const LCSMatrices& matrices, const QuadraticCost& cost, const torch::Tensor& initial_state_bounds,
              int64_t episode_length);

  int64_t observation_size() const override { return A_.rows(); }
  int64_t action_size() const override { return B_.cols(); }
  int64_t episode_length() const override { return episode_length_; }
  int64_t contact_size() const override { return C_.cols(); }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;
  void last_impulse(double* lambda) const override;

 private:
  Eigen::MatrixXd A_, B_, C_, D_, E_, F_;
  Eigen::VectorXd c_, d_, state_weights_, bounds_, state_, impulse_;
  double input_weight_;
  int64_t episode_length_;
};

}  // namespace diffctl
