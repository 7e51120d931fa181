#pragma once

#include "data/lqr/lqr_instance.h"
#include "modules/linear_policy.h"
#include "src/lqr/lqr_oracle.h"
#include "src/manifold/manifold_optimizer.h"
#include "src/zeroth_order/gradient_estimator.h"
#include "trainers/framework/trainer.h"

#include <memory>
#include <optional>
#include <string>

namespace diffctl {

// zo_lqr's config (besides Trainer's keys: steps is the maximum, seed).
struct ZoLqrOptions {
  std::string instance = "malik3";
  EstimatorKind estimator = EstimatorKind::two_point;  // two_point | one_point
  double smoothing_radius = 0.05;
  double step_size = 1e-3;
  int64_t directions = 8;
  double tolerance = 0.05;           // stop once C(K) − C(K*) ≤ tolerance,
  double relative_tolerance = 0.0;  // or once (C(K) − C(K*)) / C(K*) ≤ relative_tolerance
  LqrOracleObjective objective = LqrOracleObjective::exact;
  int64_t rollout_horizon = 100;
  double init_cost_factor = 2.0;  // K₀ = K* + sΔ with C(K₀) = factor · C(K*)
  int64_t threads = 1;

  static ZoLqrOptions from_config(ConfigReader& reader);
};

// Derivative-free policy gradient for LQR (zeroth-order-lqr-proofs.md): gradient descent on
// C(K) = tr(P_K Σ) of u = −Kx with the two-point (or one-point) sphere estimator, from
// values of F(K) alone, until C(K) − C(K*) ≤ tolerance or the relative gap is within
// relative_tolerance (C(K*) from the Riccati equation).
// Evaluations of F run on `threads` threads and are counted. A step that makes K
// unstable (C = +∞) is halved and retried (`backtracks`); a direction whose F is not
// finite is dropped by the estimator (`dropped_directions`).
class ZoLqrTrainer : public Trainer {
 public:
  ZoLqrTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;
  double optimal_cost() const { return optimal_cost_; }

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  std::optional<torch::jit::Module> policy() const override;
  bool stopped_early() const override { return reached_tolerance_; }
  torch::Tensor replicated_state() const override { return theta_; }

 private:
  Eigen::MatrixXd gain_of(const torch::Tensor& theta) const;
  double cost(const torch::Tensor& theta) const { return oracle_->cost(gain_of(theta)); }
  bool within_tolerance(double cost) const;

  ZoLqrOptions options_;
  std::string instance_name_;
  std::unique_ptr<LqrOracle> oracle_;
  double optimal_cost_ = 0.0;
  std::unique_ptr<GradientEstimator> estimator_;
  std::unique_ptr<ManifoldOptimizer> optimizer_;
  BatchObjective objective_;

  torch::Tensor theta_;  // K flattened (m·n)
  int64_t evaluations_ = 0;
  int64_t dropped_directions_ = 0;
  int64_t backtracks_ = 0;
  int64_t steps_taken_ = 0;
  bool reached_tolerance_ = false;
  double initial_cost_ = 0.0;
};

}  // namespace diffctl
