#pragma once

#include "data/envs/cartpole.h"
#include "data/envs/env.h"

#include <Eigen/Core>

namespace diffctl {

class ConfigReader;

struct CartPoleBalanceOptions {
  CartPoleParameters physics;
  double pole_length = 0.5;           // the centre of the DR experiment's U[0.2, 0.8]
  double dt = 0.02;                   // one RK4 step per control step
  double force_limit = 10.0;          // |F| ≤ force_limit (N)
  double position_limit = 2.4;        // the episode fails once |x| exceeds it (m)
  double angle_limit = 12.0 * M_PI / 180.0;  // ... or once |θ| exceeds it (rad)
  double initial_range = 0.05;        // every state component starts in U[−r, r]
  int64_t episode_length = 500;

  static CartPoleBalanceOptions from_config(ConfigReader& reader);
};

// Balancing the landed cart-pole (data/envs/cartpole.h) upright with a continuous force:
// reward 1 per step while |x| ≤ position_limit and |θ| ≤ angle_limit, and the episode
// ends (done) as soon as either is exceeded. Observation: the state (x, θ, ẋ, θ̇).
class CartPoleBalance : public Env {
 public:
  explicit CartPoleBalance(CartPoleBalanceOptions options = {});

  int64_t observation_size() const override { return 4; }
  int64_t action_size() const override { return 1; }
  int64_t episode_length() const override { return options_.episode_length; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  const Eigen::Vector4d& state() const { return state_; }
  void set_state(const Eigen::Vector4d& state) { state_ = state; }
  const CartPoleBalanceOptions& options() const { return options_; }

 private:
  CartPoleBalanceOptions options_;
  Eigen::Vector4d state_ = Eigen::Vector4d::Zero();
};

}  // namespace diffctl
