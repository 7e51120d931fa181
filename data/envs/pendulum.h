#pragma once

#include "data/envs/env.h"

namespace diffctl {

// Gym's continuous Pendulum (v1): a unit rod (m = 1, ℓ = 1, g = 10) swung by a torque
// u ∈ [−2, 2], explicit Euler with dt = 0.05; θ = 0 is upright.
//   θ̇⁺ = clip(θ̇ + (3g/(2ℓ) sin θ + 3/(mℓ²) u) dt, −8, 8),  θ⁺ = θ + θ̇⁺ dt
//   reward = −(normalize(θ)² + 0.1 θ̇² + 0.001 u²),  observation (cos θ, sin θ, θ̇)
// Episodes start at θ ~ U[−π, π], θ̇ ~ U[−1, 1] and last 200 steps (no terminal state).
class Pendulum : public Env {
 public:
  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kMaxTorque = 2.0;
  static constexpr double kDt = 0.05;
  static constexpr double kGravity = 10.0;
  static constexpr double kMass = 1.0;
  static constexpr double kLength = 1.0;

  int64_t observation_size() const override { return 3; }
  int64_t action_size() const override { return 1; }
  int64_t episode_length() const override { return 200; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  // The state (θ, θ̇), for tests and rendering.
  double angle() const { return angle_; }
  double angular_velocity() const { return angular_velocity_; }
  void set_state(double angle, double angular_velocity);

 private:
  void observe(double* observation) const;
  double angle_ = 0.0;
  double angular_velocity_ = 0.0;
};

}  // namespace diffctl
