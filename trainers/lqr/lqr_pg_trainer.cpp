#include "trainers/lqr/lqr_pg_trainer.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/discrete_lyapunov.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/reference_lqr.h"
#include "src/stats/percentile.h"
#include "src/training/json_number.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace diffctl {

namespace {

// Adds key (the median) and, for several trials, key_p10 / key_p50 / key_p90.
void add_percentiles(nlohmann::json& out, const std::string& key, const std::vector<double>& values) {
  out[key] = finite_or_null(percentile(values, 50));
  if (values.size() > 1) {
    for (int q : {10, 50, 90}) out[key + "_p" + std::to_string(q)] = finite_or_null(percentile(values, q));
  }
}

double riccati_optimal_cost(const LqrSystems& systems, int64_t index) {
  const auto P = reference::solve_dare(to_eigen(systems.A[index]), to_eigen(systems.B[index]),
                                       to_eigen(systems.Q[index]), to_eigen(systems.R[index]));
  return (P * to_eigen(systems.Sigma[index])).trace();
}

}  // namespace

LqrPgOptions LqrPgOptions::from_config(ConfigReader& config) {
  LqrPgOptions o;
  o.instance = config.string("instance", o.instance);
  const bool randomized = o.instance == "cartpole";
  if (randomized) {
    config.section("cartpole", [&](ConfigReader& section) { o.cartpole = CartPoleDomainOptions::from_config(section); });
  }
  o.mode = config.choice("mode", randomized ? LqrTrainingMode::domain_randomized : LqrTrainingMode::single,
                         kLqrTrainingModeNames);
  if (o.mode != LqrTrainingMode::single && !randomized) {
    throw InputError("mode: \"" + to_string(o.mode) + "\" samples systems from a domain (instance \"cartpole\"); "
                     "instance \"" + o.instance + "\" is one system, use \"single\"");
  }
  o.batch_systems = config.integer("batch_systems", o.batch_systems, 1);
  o.trials = config.integer("trials", o.trials, 1);
  o.step_size = config.number("step_size", o.step_size, 0, /*min_exclusive=*/true);
  o.step_size_schedule = config.choice("step_size_schedule", StepSizeSchedule::constant, kStepSizeScheduleNames);
  o.warmup_steps = config.integer("warmup_steps", o.warmup_steps, 0);
  o.optimizer = config.choice("optimizer", LqrOptimizer::sgd, kLqrOptimizerNames);
  o.eval_systems = config.integer("eval_systems", o.eval_systems, 1);
  o.anneal = config.boolean("anneal", o.anneal);
  config.section("annealing", [&](ConfigReader& section) { o.annealing = DiscountAnnealingOptions::from_config(section); });
  o.init_gain = config.value("init_gain", o.init_gain);
  o.init_perturbation = config.number("init_perturbation", o.init_perturbation, 0);
  o.dtype = config.choice("dtype", "float64", {"float64", "float32"}) == "float64" ? torch::kFloat64 : torch::kFloat32;
  return o;
}

LqrPgTrainer::LqrPgTrainer(ConfigReader& config, torch::Device device)
    : Trainer(config, device, /*default_steps=*/1000), options_(LqrPgOptions::from_config(config)) {
  if (options_.instance == "cartpole") {
    domain_ = std::make_unique<CartPoleDomain>(options_.cartpole);
  } else {
    domain_ = std::make_unique<SingleSystemDomain>(load_lqr_instance(options_.instance));
  }
  tensor_options_ = torch::TensorOptions().dtype(options_.dtype).device(device);
}

int64_t LqrPgTrainer::systems_per_trial() const {
  return options_.mode == LqrTrainingMode::single ? 1 : options_.batch_systems;
}

torch::Tensor LqrPgTrainer::nominal_riccati_gain() const {
  const LqrSystems nominal = domain_->nominal(torch::TensorOptions().dtype(torch::kFloat64));
  const auto A = to_eigen(nominal.A[0]), B = to_eigen(nominal.B[0]), R = to_eigen(nominal.R[0]);
  return to_tensor(reference::riccati_gain(A, B, R, reference::solve_dare(A, B, to_eigen(nominal.Q[0]), R)));
}

torch::Tensor LqrPgTrainer::initial_gains() {
  const LqrSystems nominal = domain_->nominal(torch::TensorOptions().dtype(torch::kFloat64));
  const int64_t m = nominal.input_dim(), n = nominal.state_dim();
  if (options_.init_gain == "zero") return torch::zeros({options_.trials, m, n}, tensor_options_);
  if (options_.init_gain == "riccati_perturbed") {
    // K* of the nominal system plus N(0, init_perturbation²) entries, redrawn until stable.
    const auto optimal = nominal_riccati_gain();
    auto gains = optimal.expand({options_.trials, m, n}).clone();
    auto pending = torch::ones({options_.trials}, torch::kBool);
    constexpr int kMaxDraws = 100;
    for (int draw = 0; draw < kMaxDraws && pending.any().item<bool>(); ++draw) {
      const auto candidate =
          optimal + options_.init_perturbation * torch::randn({options_.trials, m, n}, generator(), torch::kFloat64);
      gains = torch::where(pending.view({-1, 1, 1}), candidate, gains);
      const auto radius = spectral_radius(nominal.A - nominal.B.matmul(gains));
      pending = pending.logical_and(radius >= 1.0);
    }
    if (pending.any().item<bool>()) {
      throw InputError("init_perturbation: " + std::to_string(options_.init_perturbation) +
                       " is too large, no stabilising perturbation of the Riccati gain in 100 draws");
    }
    return gains.to(tensor_options_);
  }
  if (options_.init_gain.is_array()) {
    const auto gain = json_to_matrix(options_.init_gain, "init_gain");
    if (gain.size(0) != m || gain.size(1) != n) {
      throw InputError("init_gain: expected a " + std::to_string(m) + "x" + std::to_string(n) +
                       " matrix (inputs x states), got " + std::to_string(gain.size(0)) + "x" +
                       std::to_string(gain.size(1)));
    }
    return gain.to(tensor_options_).expand({options_.trials, m, n}).clone();
  }
  throw InputError("init_gain: expected \"zero\", \"riccati_perturbed\" or a matrix, got " +
                   describe_json(options_.init_gain));
}

void LqrPgTrainer::prepare() {
  const int64_t per_trial = systems_per_trial();
  const bool sample_domain = options_.mode != LqrTrainingMode::single;
  eval_systems_set_ = sample_domain ? domain_->sample(options_.eval_systems, generator(), tensor_options_)
                                    : domain_->nominal(tensor_options_);
  LqrSystems start_systems;
  if (options_.mode == LqrTrainingMode::domain_randomized) {
    start_systems = domain_->sample(options_.trials * per_trial, generator(), tensor_options_);
  } else {
    train_systems_ = sample_domain ? domain_->sample(options_.trials * per_trial, generator(), tensor_options_)
                                   : domain_->nominal(tensor_options_).repeat_each(options_.trials);
    start_systems = train_systems_;
  }

  torch::Tensor gains = initial_gains();
  if (options_.anneal) {
    DiscountAnnealingSummary annealing_summary;
    gains = anneal_discount(start_systems, gains, options_.annealing, &annealing_summary);
    annealing_rounds_ = annealing_summary.rounds;
  } else {
    torch::NoGradGuard no_grad;
    const auto closed_loop = start_systems.A - start_systems.B.matmul(gains.repeat_interleave(per_trial, 0));
    const auto radius = spectral_radius(closed_loop);
    const int64_t unstable = (radius >= 1.0).sum().item<int64_t>();
    if (unstable > 0) {
      throw InputError("init_gain: the initial gain does not stabilise " + std::to_string(unstable) +
                       " of " + std::to_string(radius.size(0)) +
                       " training systems (closed-loop spectral radius up to " +
                       std::to_string(radius.max().item<double>()) +
                       "); set \"anneal\": true or give a stabilising init_gain");
    }
  }
  policies_.clear();
  std::vector<torch::Tensor> parameters;
  for (int64_t trial = 0; trial < options_.trials; ++trial) {
    LinearPolicy policy(LinearPolicyOptions(gains.size(2), gains.size(1)));
    policy->to(tensor_options_.device(), options_.dtype);
    {
      torch::NoGradGuard no_grad;
      policy->gain.copy_(gains[trial]);
    }
    parameters.push_back(policy->gain);
    policies_.push_back(policy);
  }
  if (options_.optimizer == LqrOptimizer::adam) {
    optimizer_ = std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(options_.step_size));
  } else {
    optimizer_ = std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(options_.step_size));
  }
}

torch::Tensor LqrPgTrainer::gains() const {
  std::vector<torch::Tensor> gains;
  for (const auto& policy : policies_) gains.push_back(policy->gain);
  return torch::stack(gains);
}

nlohmann::json LqrPgTrainer::step(int64_t step) {
  const int64_t per_trial = systems_per_trial();
  const int64_t trials = options_.trials;
  const LqrSystems systems = options_.mode == LqrTrainingMode::domain_randomized
                                 ? domain_->sample(trials * per_trial, generator(), tensor_options_)
                                 : train_systems_;
  const auto result = lqr_cost(systems, gains().repeat_interleave(per_trial, 0));
  const auto stable = result.stable.view({trials, per_trial});
  const auto stable_count = stable.sum(1);
  if ((stable_count == 0).any().item<bool>()) {
    throw Error("step " + std::to_string(step) + ": a trial's gain stabilises none of this step's systems");
  }
  // The gradient of each trial's mean cost over the systems its gain stabilises.
  const auto trial_cost =
      torch::where(result.stable, result.cost, torch::zeros_like(result.cost)).view({trials, per_trial}).sum(1) /
      stable_count;
  const torch::Tensor before = gains().detach().clone();
  const double step_size = step_size_at(step);
  for (auto& group : optimizer_->param_groups()) group.options().set_lr(step_size);
  optimizer_->zero_grad();
  trial_cost.sum().backward();
  optimizer_->step();
  keep_stabilising(systems, stable, before, step);

  const auto costs = trial_cost.detach().to(torch::kCPU, torch::kFloat64);
  const std::vector<double> cost_values(costs.data_ptr<double>(), costs.data_ptr<double>() + trials);
  return {{"train_cost", percentile(cost_values, 50)},
          {"train_unstable_fraction", 1.0 - stable.to(torch::kFloat64).mean().item<double>()},
          {"step_size", step_size},
          {"backtracks", backtracks_}};
}

double LqrPgTrainer::step_size_at(int64_t step) const {
  const double warmup = options_.warmup_steps > 0 ? std::min(1.0, static_cast<double>(step) / options_.warmup_steps) : 1.0;
  const double decay =
      options_.step_size_schedule == StepSizeSchedule::cosine ? 0.5 * (1 + std::cos(M_PI * (step - 1) / steps())) : 1.0;
  return options_.step_size * warmup * decay;
}

void LqrPgTrainer::keep_stabilising(const LqrSystems& systems, const torch::Tensor& stable_before,
                                    const torch::Tensor& before, int64_t step) {
  constexpr int kMaxHalvings = 30;
  torch::NoGradGuard no_grad;
  const int64_t per_trial = systems_per_trial();
  for (int halvings = 0;; ++halvings) {
    const torch::Tensor after = gains();
    const auto stable_after = is_schur_stable(systems.A - systems.B.matmul(after.repeat_interleave(per_trial, 0)));
    const torch::Tensor left = stable_before.logical_and(stable_after.view_as(stable_before).logical_not()).any(1);
    const int64_t leaving = left.sum().item<int64_t>();
    if (leaving == 0) return;
    if (halvings == kMaxHalvings) {
      throw Error("step " + std::to_string(step) + ": " + std::to_string(leaving) + " trial(s) still leave the stable set after " +
                  std::to_string(kMaxHalvings) + " halvings of their step; lower step_size");
    }
    // Halve the step of the trials that left; the others keep theirs.
    const auto left_mask = left.view({-1, 1, 1});
    const torch::Tensor halved = torch::where(left_mask, before + 0.5 * (after - before), after);
    for (int64_t trial = 0; trial < options_.trials; ++trial) policies_[trial]->gain.copy_(halved[trial]);
    backtracks_ += leaving;
  }
}

LqrPgTrainer::Evaluation LqrPgTrainer::evaluate_gains() const {
  torch::NoGradGuard no_grad;
  Evaluation evaluation;
  int64_t unstable = 0;
  for (const auto& policy : policies_) {
    const auto result = lqr_cost(eval_systems_set_, policy->gain);
    evaluation.cost.push_back(result.cost.mean().item<double>());
    evaluation.k_norm.push_back(policy->gain.norm().item<double>());
    unstable += result.stable.logical_not().sum().item<int64_t>();
  }
  evaluation.unstable_fraction =
      static_cast<double>(unstable) / static_cast<double>(options_.trials * eval_systems_set_.size());
  return evaluation;
}

nlohmann::json LqrPgTrainer::evaluate() {
  last_evaluation_ = evaluate_gains();
  nlohmann::json metrics;
  add_percentiles(metrics, "eval_cost", last_evaluation_->cost);
  add_percentiles(metrics, "k_norm", last_evaluation_->k_norm);
  metrics["unstable_fraction"] = last_evaluation_->unstable_fraction;
  return metrics;
}

nlohmann::json LqrPgTrainer::summary() {
  if (!last_evaluation_) last_evaluation_ = evaluate_gains();
  nlohmann::json out;
  out["instance"] = options_.instance;
  out["mode"] = to_string(options_.mode);
  out["trials"] = options_.trials;
  add_percentiles(out, "final_cost", last_evaluation_->cost);
  add_percentiles(out, "k_norm", last_evaluation_->k_norm);
  out["unstable_fraction"] = last_evaluation_->unstable_fraction;
  out["annealing_rounds"] = annealing_rounds_;
  out["backtracks"] = backtracks_;
  if (options_.mode == LqrTrainingMode::single) {
    const double optimal = riccati_optimal_cost(eval_systems_set_, 0);
    out["optimal_cost"] = optimal;
    out["relative_gap"] = finite_or_null((percentile(last_evaluation_->cost, 50) - optimal) / optimal);
  } else {
    // E_θ min_K C(K; θ) ≤ min_K J_DR(K): how far any single gain could get.
    double total = 0.0;
    for (int64_t i = 0; i < eval_systems_set_.size(); ++i) total += riccati_optimal_cost(eval_systems_set_, i);
    out["optimal_cost_lower_bound"] = total / static_cast<double>(eval_systems_set_.size());
  }
  return out;
}

void LqrPgTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  archive.write("gains", gains().detach());
  write_scalars(archive, {{"backtracks", backtracks_}});
  torch::serialize::OutputArchive optimizer_state;
  optimizer_->save(optimizer_state);
  archive.write("optimizer", optimizer_state);
}

void LqrPgTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::Tensor saved;
  archive.read("gains", saved);
  const auto expected = gains();
  if (saved.sizes() != expected.sizes()) {
    throw InputError("checkpoint: gains of shape " + c10::str(saved.sizes()) + ", expected " +
                     c10::str(expected.sizes()));
  }
  {
    torch::NoGradGuard no_grad;
    for (int64_t trial = 0; trial < options_.trials; ++trial) policies_[trial]->gain.copy_(saved[trial]);
  }
  backtracks_ = SavedScalars(archive).integer("backtracks");
  torch::serialize::InputArchive optimizer_state;
  archive.read("optimizer", optimizer_state);
  optimizer_->load(optimizer_state);
  last_evaluation_.reset();
}

std::optional<torch::jit::Module> LqrPgTrainer::policy() const {
  // The trial with the median final cost stands for the run.
  const auto& costs = last_evaluation_->cost;
  std::vector<int64_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return costs[a] < costs[b]; });
  const int64_t representative = order[(order.size() - 1) / 2];
  LinearPolicy exported(policies_[representative]->options);
  exported->set_flat_parameters(policies_[representative]->flat_parameters().to(torch::kCPU, torch::kFloat64));
  return exported->to_torchscript();
}

}  // namespace diffctl
