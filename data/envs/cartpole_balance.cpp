#include "data/envs/cartpole_balance.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/integration/runge_kutta.h"
#include "src/random/counter_random.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

CartPoleBalanceOptions CartPoleBalanceOptions::from_config(ConfigReader& reader) {
  CartPoleBalanceOptions o;
  o.physics = CartPoleParameters::from_config(reader);
  o.pole_length = reader.number("pole_length", o.pole_length, 0, true);
  o.dt = reader.number("dt", o.dt, 0, true);
  o.force_limit = reader.number("force_limit", o.force_limit, 0, true);
  o.position_limit = reader.number("position_limit", o.position_limit, 0, true);
  o.angle_limit = reader.number("angle_limit", o.angle_limit, 0, true, M_PI);
  o.initial_range = reader.number("initial_range", o.initial_range, 0);
  o.episode_length = reader.integer("episode_length", o.episode_length, 1);
  return o;
}

CartPoleBalance::CartPoleBalance(CartPoleBalanceOptions options) : options_(std::move(options)) {
  if (!(options_.pole_length > 0.0) || !(options_.dt > 0.0) || options_.episode_length < 1) {
    throw InputError("cartpole_balance: pole_length and dt must be > 0 and episode_length >= 1");
  }
}

void CartPoleBalance::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  for (int i = 0; i < 4; ++i) state_[i] = random.uniform(-options_.initial_range, options_.initial_range);
  std::copy(state_.data(), state_.data() + 4, observation);
}

StepResult CartPoleBalance::step(const double* action, double* observation) {
  const double force = std::clamp(action[0], -options_.force_limit, options_.force_limit);
  const double length = options_.pole_length;
  const auto derivative = [&](const Eigen::Vector4d& s) {
    const auto accelerations = cartpole_accelerations<double>(s[1], s[2], s[3], force, length, options_.physics);
    return Eigen::Vector4d(s[2], s[3], accelerations.x_ddot, accelerations.theta_ddot);
  };
  state_ = runge_kutta4_step(state_, options_.dt, derivative);
  std::copy(state_.data(), state_.data() + 4, observation);
  // A NaN state (a NaN action) fails the checks below as well.
  const bool inside = std::abs(state_[0]) <= options_.position_limit && std::abs(state_[1]) <= options_.angle_limit;
  return {1.0, !inside};
}

}  // namespace diffctl
