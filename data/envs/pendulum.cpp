#include "data/envs/pendulum.h"

#include "src/random/counter_random.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

namespace {
// θ wrapped into [−π, π).
double normalize_angle(double angle) {
  const double two_pi = 2.0 * M_PI;
  double wrapped = std::fmod(angle + M_PI, two_pi);
  if (wrapped < 0.0) wrapped += two_pi;
  return wrapped - M_PI;
}
}  // namespace

void Pendulum::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  angle_ = random.uniform(-M_PI, M_PI);
  angular_velocity_ = random.uniform(-1.0, 1.0);
  observe(observation);
}

void Pendulum::set_state(double angle, double angular_velocity) {
  angle_ = angle;
  angular_velocity_ = angular_velocity;
}

StepResult Pendulum::step(const double* action, double* observation) {
  const double torque = std::clamp(action[0], -kMaxTorque, kMaxTorque);
  const double wrapped = normalize_angle(angle_);
  const double cost = wrapped * wrapped + 0.1 * angular_velocity_ * angular_velocity_ + 0.001 * torque * torque;
  const double acceleration =
      3.0 * kGravity / (2.0 * kLength) * std::sin(angle_) + 3.0 / (kMass * kLength * kLength) * torque;
  angular_velocity_ = std::clamp(angular_velocity_ + acceleration * kDt, -kMaxSpeed, kMaxSpeed);
  angle_ += angular_velocity_ * kDt;
  observe(observation);
  return {-cost, false};
}

void Pendulum::observe(double* observation) const {
  observation[0] = std::cos(angle_);
  observation[1] = std::sin(angle_);
  observation[2] = angular_velocity_;
}

}  // namespace diffctl
