#include "trainers/zeroth_order/zo_lqr_trainer.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/parallel/communicator.h"
#include "src/training/json_number.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace diffctl {

ZoLqrOptions ZoLqrOptions::from_config(ConfigReader& reader) {
  ZoLqrOptions o;
  o.instance = reader.string("instance", o.instance);
  // The LQR methods of the paper: not antithetic ES.
  constexpr EnumNames<EstimatorKind, 2> kLqrEstimators{{{EstimatorKind::two_point, "two_point"}, {EstimatorKind::one_point, "one_point"}}};
  o.estimator = reader.choice("estimator", EstimatorKind::two_point, kLqrEstimators);
  o.smoothing_radius = reader.number("smoothing_radius", o.smoothing_radius, 0.0, true);
  o.step_size = reader.number("step_size", o.step_size, 0.0, true);
  o.directions = reader.integer("directions", o.directions, 1);
  o.tolerance = reader.number("tolerance", o.tolerance, 0.0);
  o.relative_tolerance = reader.number("relative_tolerance", o.relative_tolerance, 0.0);
  o.objective = reader.choice("objective", LqrOracleObjective::exact, kLqrOracleObjectiveNames);
  o.rollout_horizon = reader.integer("rollout_horizon", o.rollout_horizon, 1);
  o.init_cost_factor = reader.number("init_cost_factor", o.init_cost_factor, 1.0, true);
  o.threads = reader.integer("threads", o.threads, 1, 256);
  return o;
}

ZoLqrTrainer::ZoLqrTrainer(ConfigReader& config, torch::Device device)
    : Trainer(config, device, /*default_steps=*/10000), options_(ZoLqrOptions::from_config(config)) {
  if (device.type() != torch::kCPU) {
    throw InputError("--device: zo_lqr evaluates small LQR costs on the CPU, got " + device.str());
  }
  const LqrInstance instance = load_lqr_instance(options_.instance);
  instance_name_ = instance.name;
  oracle_ = std::make_unique<LqrOracle>(
      to_eigen(instance.system.A[0]), to_eigen(instance.system.B[0]), to_eigen(instance.system.Q[0]),
      to_eigen(instance.system.R[0]), to_eigen(instance.system.Sigma[0]),
      instance.initial_states.defined() ? to_eigen(instance.initial_states) : Eigen::MatrixXd());
  optimal_cost_ = oracle_->optimal_cost();
  GradientEstimatorOptions estimator;
  estimator.kind = options_.estimator;
  estimator.radius = options_.smoothing_radius;
  estimator.directions = options_.directions;
  estimator.seed = seed();
  estimator_ = std::make_unique<GradientEstimator>(estimator);
  // Each point's value is its own: the points are split over the run's ranks one by one.
  objective_ = split_over_ranks(evaluate_in_parallel(
                                    [this](const torch::Tensor& theta, uint64_t evaluation_seed) {
                                      return oracle_->sample(gain_of(theta), evaluation_seed, options_.objective,
                                                             options_.rollout_horizon);
                                    },
                                    options_.threads),
                                world());
}

bool ZoLqrTrainer::within_tolerance(double cost) const {
  return cost - optimal_cost_ <= options_.tolerance || cost - optimal_cost_ <= options_.relative_tolerance * optimal_cost_;
}

Eigen::MatrixXd ZoLqrTrainer::gain_of(const torch::Tensor& theta) const {
  return to_eigen(theta.reshape({oracle_->input_dim(), oracle_->state_dim()}));
}

void ZoLqrTrainer::prepare() {
  const Eigen::MatrixXd optimal_gain = oracle_->optimal_gain();
  // K₀ = K* + sΔ: s by bisection so that C(K₀) = factor · C(K*) (+∞ counts as above it).
  const Eigen::MatrixXd direction = to_eigen(torch::randn({oracle_->input_dim(), oracle_->state_dim()}, generator(), torch::kFloat64));
  const double target = options_.init_cost_factor * optimal_cost_;
  auto cost_at = [&](double s) { return oracle_->cost(optimal_gain + s * direction); };
  double low = 0.0, high = 1e-3;
  while (cost_at(high) < target) {
    high *= 2.0;
    if (high > 1e12) throw InputError("init_cost_factor: no gain on the ray from K* reaches that cost");
  }
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double middle = 0.5 * (low + high);
    (cost_at(middle) < target ? low : high) = middle;
  }
  const Eigen::MatrixXd K0 = optimal_gain + low * direction;
  initial_cost_ = oracle_->cost(K0);
  if (!std::isfinite(initial_cost_)) throw Error("zo_lqr: the initial gain is not stabilising");
  theta_ = to_tensor(K0).reshape({-1}).clone();
  ParameterLayout layout;
  layout.add("gain", {oracle_->input_dim(), oracle_->state_dim()}, Manifold::free);
  ManifoldOptimizerOptions optimizer;
  optimizer.step_size = options_.step_size;
  optimizer_ = std::make_unique<ManifoldOptimizer>(layout, optimizer);
  reached_tolerance_ = within_tolerance(initial_cost_);
}

nlohmann::json ZoLqrTrainer::step(int64_t step) {
  const GradientEstimate estimate = estimator_->estimate(objective_, theta_, step);
  evaluations_ += estimate.evaluations;
  dropped_directions_ += estimate.dropped_directions;
  // A step into the unstable set (C = +∞) is halved until it stays stabilising.
  torch::Tensor next = optimizer_->step(theta_, estimate.gradient);
  double next_cost = cost(next);
  for (int halvings = 0; !std::isfinite(next_cost); ++halvings) {
    if (halvings == 30) throw Error("step " + std::to_string(step) + ": 30 halvings still leave the stable set; lower step_size");
    next = theta_ - (theta_ - next) * 0.5;
    next_cost = cost(next);
    ++backtracks_;
  }
  theta_ = next;
  steps_taken_ = step;
  reached_tolerance_ = within_tolerance(next_cost);
  return {{"cost", next_cost},
          {"suboptimality", next_cost - optimal_cost_},
          {"relative_suboptimality", (next_cost - optimal_cost_) / optimal_cost_},
          {"evaluations", evaluations_}};
}

nlohmann::json ZoLqrTrainer::evaluate() {
  const double current = cost(theta_);
  return {{"eval_cost", finite_or_null(current)}, {"eval_suboptimality", finite_or_null(current - optimal_cost_)}};
}

nlohmann::json ZoLqrTrainer::summary() {
  const double final_cost = cost(theta_);
  return {{"instance", instance_name_},
          {"estimator", to_string(options_.estimator)},
          {"objective", options_.objective == LqrOracleObjective::exact ? "exact" : "rollout"},
          {"initial_cost", initial_cost_},
          {"final_cost", finite_or_null(final_cost)},
          {"optimal_cost", optimal_cost_},
          {"suboptimality", finite_or_null(final_cost - optimal_cost_)},
          {"reached_tolerance", reached_tolerance_},
          {"evaluations", evaluations_},
          {"dropped_directions", dropped_directions_},
          {"backtracks", backtracks_},
          {"steps", steps_taken_}};
}

void ZoLqrTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  archive.write("theta", theta_);
  write_scalars(archive, {{"evaluations", evaluations_},
                          {"dropped_directions", dropped_directions_},
                          {"backtracks", backtracks_},
                          {"steps_taken", steps_taken_}});
  torch::serialize::OutputArchive optimizer;
  optimizer_->save(optimizer);
  archive.write("optimizer", optimizer);
}

void ZoLqrTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::Tensor theta;
  archive.read("theta", theta);
  if (theta.sizes() != theta_.sizes()) {
    throw InputError("checkpoint: a gain of " + std::to_string(theta.numel()) + " entries, expected " +
                     std::to_string(theta_.numel()));
  }
  theta_ = theta.clone();
  SavedScalars scalars(archive);
  evaluations_ = scalars.integer("evaluations");
  dropped_directions_ = scalars.integer("dropped_directions");
  backtracks_ = scalars.integer("backtracks");
  steps_taken_ = scalars.integer("steps_taken");
  torch::serialize::InputArchive optimizer;
  archive.read("optimizer", optimizer);
  optimizer_->load(optimizer);
  reached_tolerance_ = within_tolerance(cost(theta_));
}

std::optional<torch::jit::Module> ZoLqrTrainer::policy() const {
  LinearPolicy exported(LinearPolicyOptions(oracle_->state_dim(), oracle_->input_dim()));
  exported->set_flat_parameters(theta_);
  return exported->to_torchscript();
}

}  // namespace diffctl
