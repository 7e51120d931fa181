#pragma once

#include "data/envs/contact_task.h"
#include "src/lcp/lcs_dynamics.h"

#include <Eigen/Core>

#include <algorithm>

namespace diffctl {

// The cart-pole between two soft walls (Aydinoglu & Posa; Jin et al.), linearised about
// the upright and discretised with Ts = 0.01 as a linear complementarity system
//   x⁺ = A x + B u + C λ,   0 ≤ λ ⊥ D x + F λ + d ≥ 0,
// state (x, θ, ẋ, θ̇), one force input, one impulse per wall: λ₁ once the pole's tip
// x − l_p θ passes +d₁, λ₂ once it passes −d₂, each a spring of stiffness k_s (F = I/k_s).
struct CartPoleSoftWallsParameters {
  double gravity = 9.81;
  double pole_mass = 0.411;       // m_p
  double cart_mass = 0.978;       // m_c
  double pole_length = 0.6;       // l_p, pivot to the tip that meets the walls
  double centre_of_mass = 0.4267;  // l_com
  double right_wall = 0.35;       // d₁
  double left_wall = 0.35;        // d₂
  double stiffness = 100.0;       // k_s
  double time_step = 0.01;        // Ts
};

// The system's matrices (float64, unbatched; c = 0, E = 0).
LCSMatrices cartpole_soft_walls_matrices(const CartPoleSoftWallsParameters& parameters = {});

// The task: these matrices, Q = diag(10, 2, 1, 1), R = 1, the initial-state box below, system
// identification in x ∈ ±0.5, θ ∈ ±0.5, ẋ ∈ ±1, θ̇ ∈ ±2 with forces in ±2, and this Env as the
// real system; its LQR baseline sees the wall-free linearisation.
ContactTask cartpole_soft_walls_task();

// The exact LCS (μ = 0, solved by Lemke's method) as an environment: the "real system" on
// which a policy is executed. Reward −(xᵀQx + uᵀRu) at the state the step starts from,
// Q = diag(10, 2, 1, 1), R = 1, so an episode's return is minus the task's cost; 200 steps;
// initial states uniform in x ∈ [−0.1, 0.1], θ ∈ [−0.3, 0.3], ẋ ∈ [−0.5, 0.5],
// θ̇ ∈ [−1, 1]. A state that stops being finite ends the episode.
class CartPoleSoftWalls : public LcsEnv {
 public:
  explicit CartPoleSoftWalls(const CartPoleSoftWallsParameters& parameters = {});

  int64_t observation_size() const override { return 4; }
  int64_t action_size() const override { return 1; }
  int64_t episode_length() const override { return 200; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;
  int64_t contact_size() const override { return 2; }
  void last_impulse(double* lambda) const override { std::copy(impulse_.data(), impulse_.data() + 2, lambda); }

  // The task's weights and initial-state box.
  static Eigen::Vector4d state_cost_weights() { return {10.0, 2.0, 1.0, 1.0}; }
  static double input_cost_weight() { return 1.0; }
  static Eigen::Vector4d initial_state_bounds() { return {0.1, 0.3, 0.5, 1.0}; }

  const Eigen::Vector4d& state() const { return state_; }
  void set_state(const Eigen::Vector4d& state) { state_ = state; }
  // The impulses of the last step (λ₁, λ₂).
  const Eigen::Vector2d& last_impulse() const { return impulse_; }

 private:
  Eigen::Matrix4d A_;
  Eigen::Vector4d B_;
  Eigen::Matrix<double, 4, 2> C_;
  Eigen::Matrix<double, 2, 4> D_;
  Eigen::Matrix2d F_;
  Eigen::Vector2d d_;
  Eigen::Vector4d state_ = Eigen::Vector4d::Zero();
  Eigen::Vector2d impulse_ = Eigen::Vector2d::Zero();
};

}  // namespace diffctl
