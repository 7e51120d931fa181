#include "trainers/value/value_fit_trainer.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "src/stats/update_variance.h"
#include "src/training/json_number.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <torch/linalg.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace diffctl {

namespace {
// The update-variance ratios an evaluation logs, each also estimated by sampling.
const std::array<std::string, 2> kVarianceRatioNames{"update_variance_ratio", "update_variance_ratio_without_replacement"};
const std::string kSampledSuffix = "_sampled";
}  // namespace

ValueFitOptions ValueFitOptions::from_config(ConfigReader& config) {
  ValueFitOptions o;
  o.domain.domain = config.choice("domain", "chain", {"chain", "four_rooms", "mountain_car"});
  o.implicit = config.choice("parameterization", "implicit", {"explicit", "implicit"}) == "implicit";
  o.eta = config.number("eta", o.eta, 0.0, false, 1.0 - 1e-12);
  o.step_size = config.number("step_size", o.step_size, 0.0, true);
  o.domain.reward_offset = config.number("reward_offset", 0.0);
  o.domain.four_rooms_states = config.choice("four_rooms_states", FourRoomsStates::released_code, kFourRoomsStatesNames);
  o.batch_size = config.integer("batch_size", o.batch_size, 1);
  o.num_actions = config.integer("num_actions", o.num_actions, 1, 64);
  o.forward_solver = config.choice("forward", ChainForwardSolver::value_iteration, kChainForwardSolverNames);
  o.backward_solver = config.choice("backward", ChainBackwardSolver::direct, kChainBackwardSolverNames);
  o.distinct_train_states = config.choice("train_set", "samples", {"samples", "distinct_states"}) == "distinct_states";
  o.measure_variance = config.boolean("measure_variance", o.measure_variance);
  o.variance_draws = config.integer("variance_draws", o.variance_draws, 0);
  return o;
}

ValueFitTrainer::ValueFitTrainer(ConfigReader& config, torch::Device device)
    : Trainer(config, device, /*default_steps=*/300), options_(ValueFitOptions::from_config(config)) {
  // Its own stream, so that measuring does not change which minibatches training draws.
  variance_generator_ = make_generator(derive_seed(seed(), 1));
  if (device.type() != torch::kCPU) {
    throw InputError("--device: value_fit runs on the CPU (small tabular and RBF problems), got " + device.str());
  }
}

void ValueFitTrainer::prepare() {
  // The data first, then the chain, from the run's stream: the same seed gives the same data
  // and the same initial θ for both parameterizations (and every reward offset).
  data_ = make_value_dataset(options_.domain, generator());
  if (options_.distinct_train_states) data_ = with_distinct_train_states(std::move(data_));
  const int64_t features = data_.train_features.size(1);
  chain_ = MarkovRewardChain(MarkovRewardChainOptions(features)
                                 .num_actions(options_.num_actions)
                                 .eta(options_.eta)
                                 .forward_solver(options_.forward_solver)
                                 .backward_solver(options_.backward_solver),
                             generator());
  if (!options_.implicit) linear_ = LinearValue(chain_);
  torch::NoGradGuard no_grad;
  const torch::Tensor residual = torch::matmul(data_.test_features, weights()) - data_.test_targets;
  initial_residual_norm_ = residual.norm().item<double>();
  initial_residual_ones_norm_ = residual.mean().abs().item<double>() * std::sqrt(static_cast<double>(residual.numel()));
}

torch::Tensor ValueFitTrainer::weights() { return options_.implicit ? chain_->forward() : linear_->forward(); }

std::vector<torch::Tensor> ValueFitTrainer::parameters() const {
  return options_.implicit ? chain_->parameters() : linear_->parameters();
}

nlohmann::json ValueFitTrainer::step(int64_t step) {
  const torch::Tensor batch = torch::randint(data_.train_features.size(0), {options_.batch_size}, generator(), torch::kLong);
  const torch::Tensor prediction = torch::matmul(data_.train_features.index_select(0, batch), weights());
  const torch::Tensor loss = 0.5 * (prediction - data_.train_targets.index_select(0, batch)).pow(2).mean();
  const double loss_value = loss.item<double>();
  nlohmann::json metrics{{"loss", finite_or_null(loss_value)}};
  if (!std::isfinite(loss_value)) {
    diverged_ = true;
    diverged_step_ = step;
    return metrics;
  }
  const auto parameters = this->parameters();
  const auto gradients = torch::autograd::grad({loss}, parameters);
  torch::NoGradGuard no_grad;
  bool finite = true;
  for (size_t i = 0; i < parameters.size(); ++i) {
    parameters[i].sub_(options_.step_size * gradients[i]);
    finite = finite && torch::isfinite(parameters[i]).all().item<bool>();
  }
  if (!finite) {
    diverged_ = true;
    diverged_step_ = step;
  }
  if (options_.implicit) {
    const ChainSolveReport& report = chain_->report();
    metrics["forward_iterations"] = report.forward_iterations;
    if (options_.backward_solver == ChainBackwardSolver::gmres) metrics["gmres_iterations"] = report.backward_iterations;
  }
  return metrics;
}

// Theorem 5 to first order in α: an SGD step moves θ by −α M g_B, with g_B the mean of
// k per-sample gradients gᵢ = rᵢφᵢ; this returns the rows M gᵢ, with M = I (explicit) or
// the chain's JJᵀ (implicit).
torch::Tensor ValueFitTrainer::per_sample_updates(const torch::Tensor& theta) {
  const torch::Tensor residuals = torch::matmul(data_.train_features, theta) - data_.train_targets;
  const torch::Tensor per_sample = residuals.unsqueeze(-1) * data_.train_features;  // (N, k)
  return options_.implicit ? per_sample.matmul(chain_->jacobian_gram(theta)) : per_sample;  // JJᵀ is symmetric
}

nlohmann::json ValueFitTrainer::evaluate() {
  if (diverged_) return {{"residual_norm", nullptr}, {"diverged", true}};
  torch::NoGradGuard no_grad;
  const torch::Tensor theta = weights();
  const torch::Tensor residual = torch::matmul(data_.test_features, theta) - data_.test_targets;
  const torch::Tensor along_ones = residual.mean() * torch::ones_like(residual);
  last_evaluation_ = {{"residual_norm", residual.norm().item<double>()},
                      {"residual_ones_norm", along_ones.norm().item<double>()},
                      {"residual_ortho_norm", (residual - along_ones).norm().item<double>()}};
  if (options_.measure_variance) record_variance_ratios(theta);
  return last_evaluation_;
}

void ValueFitTrainer::record_variance_ratios(const torch::Tensor& theta) {
  const torch::Tensor updates = per_sample_updates(theta);
  const int64_t n = updates.size(0);
  std::vector<std::pair<std::string, double>> ratios;
  for (bool with_replacement : {true, false}) {
    if (!with_replacement && (options_.batch_size > n || n < 2)) continue;  // no k distinct samples to draw
    const std::string name = kVarianceRatioNames[with_replacement ? 0 : 1];
    ratios.emplace_back(name, update_variance_ratio(updates, options_.batch_size, with_replacement));
    if (options_.variance_draws > 0) {
      ratios.emplace_back(name + kSampledSuffix, sampled_update_variance_ratio(updates, options_.batch_size, with_replacement,
                                                                           options_.variance_draws, variance_generator_));
    }
  }
  for (const auto& [name, value] : ratios) {
    // NaN: the fit is exact and no update moves θ; logged as null, left out of the range.
    last_evaluation_[name] = finite_or_null(value);
    if (std::isnan(value)) continue;
    auto& [low, high] = variance_ratio_ranges_.try_emplace(name, value, value).first->second;
    low = std::min(low, value);
    high = std::max(high, value);
  }
}

nlohmann::json ValueFitTrainer::summary() {
  nlohmann::json result{{"initial_residual_norm", initial_residual_norm_},
                        {"initial_residual_ones_norm", initial_residual_ones_norm_},
                        {"diverged", diverged_},
                        {"final_residual_norm", diverged_ ? nlohmann::json() : last_evaluation_["residual_norm"]},
                        {"residual_ones_norm", diverged_ ? nlohmann::json() : last_evaluation_["residual_ones_norm"]},
                        {"residual_ortho_norm", diverged_ ? nlohmann::json() : last_evaluation_["residual_ortho_norm"]},
                        {"train_size", data_.train_features.size(0)},
                        {"features", data_.train_features.size(1)},
                        {"batch_size", options_.batch_size}};
  if (diverged_) result["diverged_step"] = diverged_step_;
  if (!diverged_) {
    for (const auto& [name, range] : variance_ratio_ranges_) {
      result[name] = last_evaluation_[name];
      result[name + "_min"] = range.first;
      result[name + "_max"] = range.second;
    }
  }
  return result;
}

void ValueFitTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive model;
  if (options_.implicit) {
    chain_->save(model);
  } else {
    linear_->save(model);
  }
  archive.write("model", model);
  archive.write("variance_generator", generator_state(variance_generator_));
  std::map<std::string, CheckpointScalar> ranges;
  for (const auto& [name, range] : variance_ratio_ranges_) {
    ranges[name + "_min"] = range.first;
    ranges[name + "_max"] = range.second;
  }
  write_scalars(archive, ranges);
}

void ValueFitTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive model;
  archive.read("model", model);
  if (options_.implicit) {
    chain_->load(model);
  } else {
    linear_->load(model);
  }
  torch::Tensor generator_state_tensor;
  archive.read("variance_generator", generator_state_tensor);
  restore_generator_state(variance_generator_, generator_state_tensor);
  SavedScalars ranges(archive);
  variance_ratio_ranges_.clear();
  for (const std::string& ratio : kVarianceRatioNames) {
    for (const std::string& name : {ratio, ratio + kSampledSuffix}) {
      if (ranges.has(name + "_min")) variance_ratio_ranges_[name] = {ranges.real(name + "_min"), ranges.real(name + "_max")};
    }
  }
}

}  // namespace diffctl
