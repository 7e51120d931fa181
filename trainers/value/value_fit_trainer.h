#pragma once

#include "data/value/value_dataset.h"
#include "modules/linear_value.h"
#include "modules/markov_reward_chain.h"
#include "trainers/framework/trainer.h"

#include <map>
#include <string>
#include <utility>

namespace diffctl {

// value_fit's config (besides Trainer's keys), read and validated in one place.
struct ValueFitOptions {
  ValueDomainOptions domain;  // domain, reward_offset, four_rooms_states
  bool implicit = true;       // parameterization: implicit (Markov reward chain) | explicit
  double eta = 0.95;
  double step_size = 0.1;
  int64_t batch_size = 25;
  int64_t num_actions = 1;
  ChainForwardSolver forward_solver = ChainForwardSolver::value_iteration;  // forward
  ChainBackwardSolver backward_solver = ChainBackwardSolver::direct;        // backward
  bool distinct_train_states = false;  // train_set: samples (as collected) | distinct_states
  bool measure_variance = true;
  int64_t variance_draws = 0;

  static ValueFitOptions from_config(ConfigReader& reader);
};

// Fits linear values V̂(s) = φ(s)ᵀθ to offline returns (implicit-value-estimators.md) by
// plain SGD on ½·mean squared error over minibatches sampled with replacement, with θ
// stored directly ("explicit") or the values of a learned Markov reward chain
// ("implicit"). Both start from the same θ for the same seed. Every evaluation logs the test
// residual r = Φθ − y, its components along 1 and orthogonal to it, and the
// variance/mean-square ratio E‖Δθ‖²/‖EΔθ‖² of the SGD update (Theorem 5, to first order in
// the step size, exact over the minibatch distribution: with replacement as trained, and
// without, the theorem's setting; with variance_draws > 0 also measured from that many
// sampled minibatches). The summary keeps each ratio's last value and its range over the
// run. A non-finite loss or parameter ends the run as diverged.
//
// Config keys (besides Trainer's): those of ValueFitOptions.
class ValueFitTrainer : public Trainer {
 public:
  ValueFitTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  bool stopped_early() const override { return diverged_; }

 private:
  torch::Tensor weights();  // θ, or θ̂ solved from the chain
  std::vector<torch::Tensor> parameters() const;
  torch::Tensor per_sample_updates(const torch::Tensor& theta);
  void record_variance_ratios(const torch::Tensor& theta);

  ValueFitOptions options_;

  ValueDataset data_;
  MarkovRewardChain chain_{nullptr};
  LinearValue linear_{nullptr};
  double initial_residual_norm_ = 0.0;
  double initial_residual_ones_norm_ = 0.0;
  nlohmann::json last_evaluation_;
  std::map<std::string, std::pair<double, double>> variance_ratio_ranges_;  // name → (min, max) over evaluations
  at::Generator variance_generator_;  // minibatches drawn to measure the ratio, apart from training's
  bool diverged_ = false;
  int64_t diverged_step_ = -1;
};

}  // namespace diffctl
