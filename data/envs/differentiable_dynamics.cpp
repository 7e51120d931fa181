#include "data/envs/differentiable_dynamics.h"

#include "src/error.h"
#include "src/integration/runge_kutta.h"

namespace diffctl {

namespace {
void check_batch(const torch::Tensor& state, const torch::Tensor& action, int64_t n, int64_t m,
                 const std::string& what) {
  if (state.dim() != 2 || state.size(1) != n || action.dim() != 2 || action.size(1) != m ||
      action.size(0) != state.size(0)) {
    throw InputError(what + ": expected state (B, " + std::to_string(n) + ") and action (B, " + std::to_string(m) +
                     "), got " + c10::str(state.sizes()) + " and " + c10::str(action.sizes()));
  }
}
}  // namespace

LqrDynamics::LqrDynamics(LqrSystems systems) : systems_(std::move(systems)) { systems_.check("LqrDynamics"); }

torch::Tensor LqrDynamics::step(const torch::Tensor& state, const torch::Tensor& action) const {
  check_batch(state, action, state_size(), action_size(), "LqrDynamics::step");
  if (systems_.size() != 1 && systems_.size() != state.size(0)) {
    throw InputError("LqrDynamics::step: " + std::to_string(state.size(0)) + " states for " +
                     std::to_string(systems_.size()) + " systems (expected one system or one per state)");
  }
  return systems_.A.matmul(state.unsqueeze(-1)).squeeze(-1) + systems_.B.matmul(action.unsqueeze(-1)).squeeze(-1);
}

CartPoleDynamics::CartPoleDynamics(CartPoleParameters physics, torch::Tensor pole_length, double dt)
    : physics_(physics), pole_length_(pole_length.reshape({-1})), dt_(dt) {
  if (!(dt > 0.0)) throw InputError("CartPoleDynamics: dt must be > 0");
}

torch::Tensor CartPoleDynamics::step(const torch::Tensor& state, const torch::Tensor& action) const {
  check_batch(state, action, 4, 1, "CartPoleDynamics::step");
  if (pole_length_.size(0) != 1 && pole_length_.size(0) != state.size(0)) {
    throw InputError("CartPoleDynamics::step: " + std::to_string(state.size(0)) + " states for " +
                     std::to_string(pole_length_.size(0)) + " pole lengths (expected one or one per state)");
  }
  const auto length = pole_length_.to(state.options()).expand({state.size(0)});
  const auto derivative = [&](const torch::Tensor& s) { return cartpole_dynamics(s, action, length, physics_); };
  return runge_kutta4_step(state, dt_, derivative);
}

LcsDynamics::LcsDynamics(LCSLayer layer, std::optional<at::Generator> noise)
    : layer_(std::move(layer)), noise_(std::move(noise)) {}

torch::Tensor LcsDynamics::step(const torch::Tensor& state, const torch::Tensor& action) const {
  check_batch(state, action, state_size(), action_size(), "LcsDynamics::step");
  return layer_.ptr()->forward(state, action, noise_).next_state;
}

}  // namespace diffctl
