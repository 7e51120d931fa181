#pragma once

#include "data/value/value_dataset.h"
#include "modules/linear_value.h"
#include "modules/markov_reward_chain.h"
#include "trainers/trainer.h"

#include <map>
#include <string>
#include <utility>

namespace diffctl {

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
// Config keys (besides Trainer's): domain, parameterization, eta, step_size,
// reward_offset, batch_size, num_actions, forward (value_iteration | direct), backward
// (direct | gmres), train_set (samples: as collected, states may repeat | distinct_states),
// measure_variance, variance_draws.
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

  std::string domain_;
  bool implicit_;
  double eta_;
  double step_size_;
  double reward_offset_;
  FourRoomsStates four_rooms_states_;
  int64_t batch_size_;
  int64_t num_actions_;
  ChainForwardSolver forward_solver_;
  ChainBackwardSolver backward_solver_;
  bool distinct_train_states_;
  bool measure_variance_;
  int64_t variance_draws_;

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
