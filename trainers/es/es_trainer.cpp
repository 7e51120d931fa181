#include "trainers/es/es_trainer.h"

#include "data/envs/env.h"
#include "modules/policy_registry.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/communicator.h"
#include "src/random/counter_random.h"
#include "src/training/json_number.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace diffctl {

EsTrainOptions EsTrainOptions::from_config(ConfigReader& reader) {
  EsTrainOptions o;
  o.env = reader.string("env", o.env);
  o.policy = reader.choice("policy", o.policy, policy_names());
  o.policy_options = reader.value("policy_options", o.policy_options);
  o.directions = reader.integer("directions", o.directions, 1);
  o.sigma = reader.number("sigma", o.sigma, 0.0, true);
  o.step_size = reader.number("step_size", o.step_size, 0.0, true);
  o.step_decay_iterations = reader.integer("step_decay_iterations", o.step_decay_iterations, 0);
  o.optimizer = reader.choice("optimizer", ManifoldOptimizerKind::plain, kManifoldOptimizerKindNames);
  o.top_directions = reader.integer("top_directions", o.top_directions, 0);
  o.rank_shaping = reader.boolean("rank_shaping", o.rank_shaping);
  o.normalize_by_std = reader.boolean("normalize_by_std", o.normalize_by_std);
  o.reward_shift = reader.number("reward_shift", o.reward_shift);
  o.normalize_observations = reader.boolean("normalize_observations", o.normalize_observations);
  o.action_clip = reader.number("action_clip", o.action_clip, 0.0);
  o.episodes = reader.integer("episodes", o.episodes, 1);
  o.eval_episodes = reader.integer("eval_episodes", o.eval_episodes, 1);
  o.horizon = reader.integer("horizon", o.horizon, 0);
  o.threads = reader.integer("threads", o.threads, 1, 256);
  if (o.top_directions > o.directions) {
    throw InputError("top_directions: expected at most directions (" + std::to_string(o.directions) + "), got " +
                     std::to_string(o.top_directions));
  }
  return o;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The normaliser's statistics as one tensor (count, mean, squared deviations), to keep and restore.
torch::Tensor normalizer_state(const PolicyImpl& policy) {
  const auto& normalizer = policy.normalizer();
  return torch::cat({normalizer->count.view({1}), normalizer->mean, normalizer->squared_deviations});
}

}  // namespace

EsTrainer::EsTrainer(ConfigReader& config, torch::Device device)
    : Trainer(config, device, /*default_steps=*/100), options_(EsTrainOptions::from_config(config)) {
  if (device.type() != torch::kCPU) {
    throw InputError("--device: es_train steps CPU physics with small batched policies, got " + device.str());
  }
  const std::string env = options_.env;
  const EnvFactory factory = [env] { return make_env(env); };
  training_pool_ = std::make_unique<RolloutPool>(
      factory, RolloutOptions()
                   .episodes(options_.episodes)
                   .threads(options_.threads)
                   .horizon(options_.horizon)
                   .observation_moments(options_.normalize_observations));
  evaluation_pool_ = std::make_unique<RolloutPool>(
      factory, RolloutOptions().episodes(options_.eval_episodes).threads(options_.threads).horizon(options_.horizon));
  policy_ = make_policy(options_.policy, options_.policy_options,
                        {training_pool_->observation_size(), training_pool_->action_size()}, generator());
  policy_->set_action_clip(options_.action_clip);
  GradientEstimatorOptions estimator;
  estimator.kind = EstimatorKind::antithetic_es;
  estimator.radius = options_.sigma;
  estimator.directions = options_.directions;
  estimator.top_directions = options_.top_directions;
  estimator.rank_shaping = options_.rank_shaping;
  estimator.normalize_by_std = options_.normalize_by_std;
  estimator.seed = derive_seed(seed(), 1);
  estimator.validate();
  estimator_ = std::make_unique<GradientEstimator>(estimator);
  evaluation_seed_ = derive_seed(seed(), 2);
}

void EsTrainer::prepare() {
  ManifoldOptimizerOptions optimizer;
  optimizer.kind = options_.optimizer;
  optimizer.step_size = options_.step_size;
  optimizer.decay_steps = options_.step_decay_iterations;
  optimizer.maximize = true;
  optimizer.validate();
  optimizer_ = std::make_unique<ManifoldOptimizer>(policy_->parameter_layout(), optimizer);
  best_parameters_ = policy_->flat_parameters();
  best_normalizer_ = normalizer_state(*policy_);
}

EsTrainer::PerturbationReturns EsTrainer::evaluate_perturbations(const torch::Tensor& points, uint64_t seed) {
  // This rank's run of whole lockstep blocks, so that each block steps as it would in one
  // process; then every rank's results in block order.
  const Communicator& ranks = world();
  const int64_t count = points.size(0), per_block = training_pool_->copies_per_block(*policy_);
  const BlockRange mine = blocks_of_rank((count + per_block - 1) / per_block, ranks.rank(), ranks.size());
  const int64_t first = std::min(count, mine.first * per_block), mine_count = std::min(count, mine.last * per_block) - first;
  // [copies, blocks, rollout seconds, values…, env steps, then per block: count, mean…,
  // squared deviations…]
  std::vector<double> packet{static_cast<double>(mine_count), 0.0, 0.0};
  if (mine_count > 0) {
    const auto rollout_start = std::chrono::steady_clock::now();
    const RolloutResult result =
        training_pool_->run(*policy_, policy_->unflatten(points.narrow(0, first, mine_count)), seed);
    packet[2] = seconds_since(rollout_start);
    rollout_seconds_ += packet[2];
    const torch::Tensor values =
        (result.returns.mean(1) - options_.reward_shift * result.lengths.to(torch::kFloat64).mean(1)).contiguous();
    packet.insert(packet.end(), values.data_ptr<double>(), values.data_ptr<double>() + mine_count);
    packet.push_back(static_cast<double>(result.env_steps));
    packet[1] = static_cast<double>(result.block_observation_moments.size());
    for (const RunningMoments& moments : result.block_observation_moments) {
      packet.push_back(moments.count());
      packet.insert(packet.end(), moments.mean().begin(), moments.mean().end());
      packet.insert(packet.end(), moments.squared_deviations().begin(), moments.squared_deviations().end());
    }
  }
  const auto gather_start = std::chrono::steady_clock::now();
  const std::vector<double> all = ranks.all_gather(packet);
  const double gather_seconds = seconds_since(gather_start);
  const int64_t size = policy_->observation_size();
  PerturbationReturns returns{torch::empty({count}, torch::kFloat64), 0, RunningMoments(size)};
  RunningMoments all_blocks(size);  // merged as RolloutPool merges one run's blocks
  int64_t filled = 0;
  std::vector<double> rank_rollout_seconds;
  for (size_t at = 0; at < all.size();) {
    const auto copies = static_cast<int64_t>(all[at]), blocks = static_cast<int64_t>(all[at + 1]);
    rank_rollout_seconds.push_back(all[at + 2]);
    at += 3;
    if (copies == 0) continue;
    std::copy(all.begin() + at, all.begin() + at + copies, returns.values.data_ptr<double>() + filled);
    filled += copies;
    at += copies;
    returns.env_steps += static_cast<int64_t>(all[at++]);
    for (int64_t b = 0; b < blocks; ++b) {
      const auto mean = all.begin() + at + 1, squared = mean + size;
      all_blocks.merge(RunningMoments(all[at], std::vector<double>(mean, squared),
                                      std::vector<double>(squared, squared + size)));
      at += 1 + 2 * size;
    }
  }
  returns.visited.merge(all_blocks);
  // How the ranks spent the iteration: waiting for the slowest one's rollouts, and in the
  // exchange itself (this rank's gather time less its wait).
  const double slowest = *std::max_element(rank_rollout_seconds.begin(), rank_rollout_seconds.end());
  for (const double seconds : rank_rollout_seconds) distribution_.idle_seconds += (slowest - seconds) / ranks.size();
  distribution_.communication_seconds += std::max(0.0, gather_seconds - (slowest - packet[2]));
  distribution_.gathered_values += static_cast<int64_t>(all.size());
  if (filled != count) throw Error("es: gathered " + std::to_string(filled) + " returns of " + std::to_string(count));
  return returns;
}

nlohmann::json EsTrainer::step(int64_t step) {
  const auto iteration_start = std::chrono::steady_clock::now();
  const torch::Tensor theta = policy_->flat_parameters();
  const Perturbations perturbations = estimator_->perturbations(theta, step);
  // Every perturbation of the iteration runs on the same episodes (the first pair's seed):
  // common random numbers across the pairs as well as within them.
  const PerturbationReturns returns = evaluate_perturbations(perturbations.points, perturbations.seeds.front());
  env_steps_ += returns.env_steps;
  const GradientEstimate estimate = estimator_->estimate(perturbations, returns.values);
  const double step_size = optimizer_->current_step_size();
  policy_->set_flat_parameters(optimizer_->step(theta, estimate.gradient));
  if (options_.normalize_observations) policy_->normalizer()->merge(returns.visited);
  iterations_ = step;
  iteration_seconds_ += seconds_since(iteration_start);
  return {{"train_return", finite_or_null(returns.values.mean().item<double>())},
          {"dropped_directions", estimate.dropped_directions},
          {"step_size", step_size},
          {"env_steps", env_steps_}};
}

nlohmann::json EsTrainer::evaluate() {
  const RolloutResult result = evaluation_pool_->run(*policy_, evaluation_seed_);
  final_return_ = result.returns.mean().item<double>();
  if (final_return_ > best_return_) {
    best_return_ = final_return_;
    best_parameters_ = policy_->flat_parameters();
    best_normalizer_ = normalizer_state(*policy_);
  }
  return {{"eval_return", finite_or_null(final_return_)}, {"best_return", finite_or_null(best_return_)}};
}

nlohmann::json EsTrainer::summary() {
  return {{"env", options_.env},
          {"policy", options_.policy},
          {"parameters", policy_->parameter_count()},
          {"final_return", finite_or_null(final_return_)},
          {"best_return", finite_or_null(best_return_)},
          {"iterations", iterations_},
          {"env_steps", env_steps_},
          {"env_steps_per_s", rollout_seconds_ > 0 ? nlohmann::json(env_steps_ / rollout_seconds_) : nlohmann::json()},
          {"iteration_env_steps_per_s",
           iteration_seconds_ > 0 ? nlohmann::json(env_steps_ / iteration_seconds_) : nlohmann::json()},
          {"share_outside_rollouts",
           iteration_seconds_ > 0 ? nlohmann::json(1.0 - rollout_seconds_ / iteration_seconds_) : nlohmann::json()},
          {"evaluation_seed", evaluation_seed_},
          // How the run was spread over the ranks (measurements, not results).
          {"distribution",
           {{"ranks", world().size()},
            {"gathered_bytes_per_iteration",
             iterations_ > 0 ? nlohmann::json(8.0 * distribution_.gathered_values / iterations_) : nlohmann::json()},
            {"communication_share", iteration_seconds_ > 0
                                        ? nlohmann::json(distribution_.communication_seconds / iteration_seconds_)
                                        : nlohmann::json()},
            {"idle_share", iteration_seconds_ > 0 ? nlohmann::json(distribution_.idle_seconds / iteration_seconds_)
                                                  : nlohmann::json()}}}};
}

namespace {
void restore_normalizer(PolicyImpl& policy, const torch::Tensor& saved) {
  const int64_t size = policy.observation_size();
  const auto mean = saved.narrow(0, 1, size).contiguous(), squared = saved.narrow(0, 1 + size, size).contiguous();
  policy.normalizer()->restore(
      RunningMoments(saved[0].item<double>(), std::vector<double>(mean.data_ptr<double>(), mean.data_ptr<double>() + size),
                     std::vector<double>(squared.data_ptr<double>(), squared.data_ptr<double>() + size)));
}
}  // namespace

void EsTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  archive.write("theta", policy_->flat_parameters());
  archive.write("normalizer", normalizer_state(*policy_));
  archive.write("best_theta", best_parameters_);
  archive.write("best_normalizer", best_normalizer_);
  write_scalars(archive, {{"env_steps", env_steps_},
                          {"iterations", iterations_},
                          {"rollout_seconds", rollout_seconds_},
                          {"final_return", final_return_},
                          {"best_return", best_return_},
                          {"iteration_seconds", iteration_seconds_},
                          {"idle_seconds", distribution_.idle_seconds},
                          {"communication_seconds", distribution_.communication_seconds},
                          {"gathered_values", distribution_.gathered_values}});
  torch::serialize::OutputArchive optimizer;
  optimizer_->save(optimizer);
  archive.write("optimizer", optimizer);
}

void EsTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::Tensor theta, normalizer;
  archive.read("theta", theta);
  if (theta.numel() != policy_->parameter_count()) {
    throw InputError("checkpoint: " + std::to_string(theta.numel()) + " policy parameters, expected " +
                     std::to_string(policy_->parameter_count()));
  }
  policy_->set_flat_parameters(theta);
  archive.read("normalizer", normalizer);
  restore_normalizer(*policy_, normalizer);
  archive.read("best_theta", best_parameters_);
  archive.read("best_normalizer", best_normalizer_);
  SavedScalars scalars(archive);
  env_steps_ = scalars.integer("env_steps");
  iterations_ = scalars.integer("iterations");
  rollout_seconds_ = scalars.real("rollout_seconds");
  final_return_ = scalars.real("final_return");
  best_return_ = scalars.real("best_return");
  iteration_seconds_ = scalars.real("iteration_seconds");
  distribution_.idle_seconds = scalars.real("idle_seconds");
  distribution_.communication_seconds = scalars.real("communication_seconds");
  distribution_.gathered_values = scalars.integer("gathered_values");
  torch::serialize::InputArchive optimizer;
  archive.read("optimizer", optimizer);
  optimizer_->load(optimizer);
}

torch::Tensor EsTrainer::replicated_state() const {
  return torch::cat({policy_->flat_parameters(), normalizer_state(*policy_)});
}

std::optional<torch::jit::Module> EsTrainer::policy() const {
  // The best evaluated parameters with the normaliser they were evaluated with.
  const torch::Tensor current = policy_->flat_parameters();
  const torch::Tensor current_normalizer = normalizer_state(*policy_);
  policy_->set_flat_parameters(best_parameters_);
  restore_normalizer(*policy_, best_normalizer_);
  torch::jit::Module exported = policy_->to_torchscript();
  policy_->set_flat_parameters(current);
  restore_normalizer(*policy_, current_normalizer);
  return exported;
}

}  // namespace diffctl
