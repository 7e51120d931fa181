#pragma once

namespace diffctl {

// One classical fourth-order Runge–Kutta step of ẋ = f(x) for any State with + and
// scalar * (a double vector such as Eigen::Vector4d, or a batch of states as a tensor),
// so a black-box environment and its differentiable twin integrate the same way.
template <typename State, typename Derivative>
State runge_kutta4_step(const State& x, double dt, const Derivative& f) {
  const State k1 = f(x);
  const State k2 = f(State(x + (0.5 * dt) * k1));
  const State k3 = f(State(x + (0.5 * dt) * k2));
  const State k4 = f(State(x + dt * k3));
  return State(x + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4));
}

}  // namespace diffctl
