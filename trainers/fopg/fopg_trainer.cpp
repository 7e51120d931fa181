#include "trainers/fopg/fopg_trainer.h"

#include "data/envs/env.h"
#include "modules/linear_policy.h"
#include "modules/policy_registry.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/lcp/lcs_coordinates.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "trainers/framework/checkpoint_scalars.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace diffctl {

namespace {

LCSLayerOptions model_options(const ContactTask& task) {
  return LCSLayerOptions(task.state_size(), task.input_size(), task.contact_size());
}

LCSLayerOptions policy_gradient_model_options(const FopgOptions& o) {
  return model_options(o.task)
      .smoothing(o.smoothing)
      .mu(o.mu)
      .sigma(o.sigma)
      .samples(o.samples)
      .learnable(false);
}

Transitions concatenate(const Transitions& a, const Transitions& b) {
  return {torch::cat({a.state, b.state}), torch::cat({a.input, b.input}), torch::cat({a.next_state, b.next_state}),
          torch::cat({a.lambda, b.lambda})};
}

}  // namespace

FopgOptions FopgOptions::from_config(ConfigReader& reader) {
  FopgOptions o;
  o.task_name = reader.choice("contact_task", o.task_name, contact_task_names());
  o.task_options = reader.value("contact_task_options", o.task_options);
  o.task = make_contact_task(o.task_name, o.task_options, reader.path_of("contact_task_options"));
  o.policy = reader.choice("policy", o.policy, policy_names());
  o.policy_options = reader.value("policy_options", o.policy_options);
  o.start_from_lqr = reader.boolean("start_from_lqr", o.start_from_lqr);
  o.oracle = reader.boolean("oracle", o.oracle);
  o.smoothing = reader.choice("smoothing", o.smoothing, lcp::kSmoothingModeNames);
  o.mu = reader.number("mu", o.mu, 0.0);
  o.sigma = reader.number("sigma", o.sigma, 0.0, true);
  o.samples = reader.integer("samples", o.samples, 1);
  o.rollout.horizon = reader.integer("horizon", o.rollout.horizon, 1);
  o.rollout.discount = reader.number("discount", o.rollout.discount, 0.0, true, 1.0);
  o.rollout.exploration_noise = reader.number("exploration_noise", o.rollout.exploration_noise, 0.0);
  o.rollouts = reader.integer("rollouts", o.rollouts, 1);
  o.policy_steps = reader.integer("policy_steps", o.policy_steps, 1);
  o.policy_learning_rate = reader.number("learning_rate", o.policy_learning_rate, 0.0, true);
  o.max_gradient_norm = reader.number("max_gradient_norm", o.max_gradient_norm, 0.0);
  o.exploration_transitions = reader.integer("exploration_transitions", o.exploration_transitions, 0);
  o.exploration_state_bounds = o.task.read_state_bounds(reader, "exploration_state_bounds");
  o.exploration_input_range =
      reader.number("exploration_input_range", o.task.exploration_input_range, 0.0, true);
  o.initial_episodes = reader.integer("initial_episodes", o.initial_episodes, 1);
  o.episodes_per_iteration = reader.integer("episodes_per_iteration", o.episodes_per_iteration, 0);
  o.data_noise = reader.number("data_noise", o.data_noise, 0.0);
  reader.section("model", [&](ConfigReader& model) {
    o.fit = LcsFitOptions::from_config(model);
    o.restarts = model.integer("restarts", o.restarts, 1, 100);
    o.refit_steps = model.integer("refit_steps", o.refit_steps, 0);
    o.refit_learning_rate = model.number("refit_learning_rate", o.refit_learning_rate, 0.0, true);
  });
  o.eval_episodes = reader.integer("eval_episodes", o.eval_episodes, 1);
  o.evaluation_seed = static_cast<uint64_t>(reader.integer("evaluation_seed", 0, 0));
  o.threads = reader.integer("threads", o.threads, 1, 256);
  policy_gradient_model_options(o).validate();  // e.g. constant smoothing without mu > 0
  return o;
}

FopgTrainer::FopgTrainer(ConfigReader& config, torch::Device device)
    : Trainer(config, device, /*default_steps=*/20), options_(FopgOptions::from_config(config)), task_(options_.task) {
  if (!device.is_cpu()) {
    throw InputError("--device: fopg solves small contact problems on the CPU, got " + device.str());
  }
  policy_ = make_policy(options_.policy, options_.policy_options, {task_.state_size(), task_.input_size()}, generator());
  const ParameterLayout layout = policy_->parameter_layout();  // kept: blocks() refers into it
  for (const auto& block : layout.blocks()) {
    if (block.manifold != Manifold::free) {
      throw InputError("policy: fopg takes Adam steps on free parameters, but \"" + options_.policy + "\"'s " +
                       block.name + " lies on a manifold");
    }
  }
  state_scale_ = torch::ones({task_.state_size()}, torch::kFloat64);
  input_scale_ = torch::ones({task_.input_size()}, torch::kFloat64);
  evaluation_pool_ = std::make_unique<RolloutPool>(task_.make_env,
                                                   RolloutOptions()
                                                       .episodes(options_.eval_episodes)
                                                       .threads(options_.threads));
  data_seed_ = derive_seed(seed(), 1);
}

void FopgTrainer::prepare() {
  LinearPolicy baseline = task_.lqr_policy();
  baseline_cost_ = evaluation_cost(*baseline);
  if (options_.start_from_lqr) {
    if (auto* linear = dynamic_cast<LinearPolicyImpl*>(policy_.get())) {
      torch::NoGradGuard no_grad;
      linear->gain.copy_(baseline->gain);
    } else {
      clone_teacher(*baseline);
    }
  }
  optimizer_ = std::make_unique<torch::optim::Adam>(policy_->parameters(),
                                                    torch::optim::AdamOptions(options_.policy_learning_rate));
  // The learned model's shape, for checkpoints; its first fit (step 1) replaces it.
  model_ = options_.oracle
               ? LCSLayer(model_options(task_).learnable(false), task_.matrices)
               : LCSLayer(model_options(task_), make_generator(0));
  episodes_collected_ = 0;
  policy_data_ = execute(options_.initial_episodes);
  data_ = policy_data_;
  if (options_.exploration_transitions > 0) {
    TransitionSampling exploration;
    exploration.state_bounds = torch::tensor(options_.exploration_state_bounds, torch::kFloat64);
    exploration.input_range = options_.exploration_input_range;
    data_ = concatenate(sample_transitions(task_.matrices, exploration, options_.exploration_transitions, generator()),
                        data_);
  }
  initial_cost_ = evaluation_cost(*policy_);
}

// Behaviour cloning: the policy regresses the teacher's actions on states from twice the initial box.
void FopgTrainer::clone_teacher(LinearPolicyImpl& teacher) {
  torch::optim::Adam cloning(policy_->parameters(), torch::optim::AdamOptions(1e-2));
  for (int64_t step = 0; step < 2000; ++step) {
    const torch::Tensor states = 2.0 * task_.initial_states(256, generator());
    const torch::Tensor target = [&] {
      torch::NoGradGuard no_grad;
      return teacher.forward(states);
    }();
    const torch::Tensor loss = (policy_->forward(states) - target).square().mean();
    cloning.zero_grad();
    loss.backward();
    cloning.step();
  }
}

double FopgTrainer::evaluation_cost(const PolicyImpl& policy) {
  torch::NoGradGuard no_grad;
  return -evaluation_pool_->run(policy, options_.evaluation_seed).returns.mean().item<double>();
}

Transitions FopgTrainer::execute(int64_t episodes) {
  torch::NoGradGuard no_grad;
  // The real system's steps per episode (a diverged episode keeps none of its non-finite
  // steps), then in time-major order as the model's data.
  std::vector<std::vector<double>> episode_states(episodes), episode_inputs(episodes), episode_next_states(episodes),
      episode_impulses(episodes);
  RolloutHooks hooks;
  hooks.first_episode = static_cast<uint64_t>(episodes_collected_);
  const int64_t nx = task_.state_size(), nu = task_.input_size(), nl = task_.contact_size();
  hooks.observe = [&](const RolloutStep& step) {
    if (!std::all_of(step.next_observation, step.next_observation + nx, [](double x) { return std::isfinite(x); })) return;
    auto append = [](std::vector<double>& to, const double* values, int64_t count) { to.insert(to.end(), values, values + count); };
    append(episode_states[step.episode], step.observation, nx);
    append(episode_inputs[step.episode], step.action, nu);
    append(episode_next_states[step.episode], step.next_observation, nx);
    auto& impulses = episode_impulses[step.episode];
    impulses.resize(impulses.size() + nl);
    static_cast<const LcsEnv&>(step.env).last_impulse(impulses.data() + impulses.size() - nl);
  };
  RolloutPool real_system([this] { return std::unique_ptr<Env>(task_.make_env()); },
                          RolloutOptions().episodes(episodes).action_noise(options_.data_noise));
  real_system.run([&](int64_t, int64_t) -> BlockActor {
                    return [&](const torch::Tensor& observations) { return policy_->forward(observations.view({episodes, nx})); };
                  },
                  1, episodes, data_seed_, hooks);
  episodes_collected_ += episodes;
  std::vector<double> states, inputs, next_states, impulses;
  auto take = [](std::vector<double>& to, const std::vector<double>& from, size_t t, int64_t width) {
    to.insert(to.end(), from.begin() + t * width, from.begin() + (t + 1) * width);
  };
  for (size_t t = 0;; ++t) {
    bool any = false;
    for (int64_t i = 0; i < episodes; ++i) {
      if (t * nu >= episode_inputs[i].size()) continue;
      any = true;
      take(states, episode_states[i], t, nx);
      take(inputs, episode_inputs[i], t, nu);
      take(next_states, episode_next_states[i], t, nx);
      take(impulses, episode_impulses[i], t, nl);
    }
    if (!any) break;
  }
  const int64_t count = static_cast<int64_t>(inputs.size()) / nu;
  auto table = [count](const std::vector<double>& values, int64_t columns) {
    return torch::tensor(values, torch::kFloat64).view({count, columns});
  };
  return {table(states, nx), table(inputs, nu), table(next_states, nx), table(impulses, nl)};
}

Transitions FopgTrainer::normalised(const Transitions& t) const {
  return {t.state / state_scale_, t.input / input_scale_, t.next_state / state_scale_, t.lambda};
}

void FopgTrainer::fit_model(bool from_scratch) {
  if (from_scratch) {
    // The model lives in coordinates where every state and input has unit spread over D:
    // the policy's forces (±10 N) and the pole's angle (±0.3) would otherwise weigh very
    // differently in the loss and in the initialisation.
    state_scale_ = data_.state.std(0).clamp_min(1e-6);
    input_scale_ = data_.input.std(0).clamp_min(1e-6);
    // Judged on the policy's own transitions: the states the policy gradient will roll out.
    const LcsFitResult fit =
        fit_lcs_model_with_restarts(model_options(task_), normalised(data_),
                                    normalised(policy_data_),
                                    options_.fit, options_.restarts, derive_seed(seed(), 2));
    if (fit.model) model_ = fit.model;
    model_loss_ = fit.model ? fit.final_loss : NAN;
    restart_errors_ = fit.train_errors;
  } else if (options_.refit_steps > 0) {
    // A warm start continues at the final μ, with small steps.
    LcsFitOptions fit = options_.fit;
    fit.steps = options_.refit_steps;
    fit.fit_mu_start = fit.fit_mu;
    fit.learning_rate = options_.refit_learning_rate;
    model_loss_ = fit_lcs_model(*model_, normalised(data_), fit, generator()).back();
  }
  if (!std::isfinite(model_loss_)) diverged_ = true;
}

nlohmann::json FopgTrainer::step(int64_t step) {
  if (!options_.oracle) fit_model(/*from_scratch=*/step == 1);
  if (diverged_) return {{"model_loss", model_loss_}};

  // The policy's gradients run through a frozen copy of the model, smoothed as configured.
  LCSMatrices current;
  {
    torch::NoGradGuard no_grad;
    current = with_unit_contact_normals(in_unscaled_coordinates(model_->matrices(), state_scale_, input_scale_));
  }
  const LcsDynamics model(LCSLayer(policy_gradient_model_options(options_), current), generator());
  double surrogate = 0.0, gradient_norm = 0.0;
  int64_t taken = 0, clipped = 0;
  for (int64_t k = 0; k < options_.policy_steps; ++k) {
    const torch::Tensor initial = task_.initial_states(options_.rollouts, generator());
    const torch::Tensor exploration =
        torch::randn({options_.rollout.horizon, options_.rollouts, task_.input_size()}, generator(), torch::kFloat64);
    const torch::Tensor objective =
        model_rollout_costs(model, *policy_, initial, exploration, task_.cost, options_.rollout).mean();
    if (!torch::isfinite(objective).item<bool>()) continue;  // a rollout diverged in the model: no step
    optimizer_->zero_grad();
    objective.backward();
    const double norm = options_.max_gradient_norm > 0
                            ? torch::nn::utils::clip_grad_norm_(policy_->parameters(), options_.max_gradient_norm)
                            : torch::nn::utils::clip_grad_norm_(policy_->parameters(), INFINITY);
    if (!std::isfinite(norm)) continue;
    clipped += options_.max_gradient_norm > 0 && norm > options_.max_gradient_norm;
    optimizer_->step();
    surrogate += objective.item<double>();
    gradient_norm += norm;
    ++taken;
  }
  surrogate_cost_ = taken > 0 ? surrogate / static_cast<double>(taken) : NAN;
  const double mean_gradient_norm = taken > 0 ? gradient_norm / static_cast<double>(taken) : NAN;

  const Transitions fresh = execute(options_.episodes_per_iteration);
  if (fresh.state.size(0) > 0) {
    // Held out: the model has not seen the transitions of the policy it just produced.
    const Transitions scaled = normalised(fresh);
    model_error_ = relative_error(predict_exact(*model_, scaled.state, scaled.input).next_state * state_scale_,
                                  fresh.next_state);
    data_ = concatenate(data_, fresh);
  }
  ++iterations_;
  nlohmann::json restarts = nlohmann::json::array();
  for (const double error : restart_errors_) restarts.push_back(std::isfinite(error) ? nlohmann::json(error) : nullptr);
  restart_errors_.clear();
  return {{"restart_errors", restarts}, {"model_loss", model_loss_},       {"model_error", model_error_},
          {"surrogate_cost", surrogate_cost_}, {"policy_steps_taken", taken},
          {"gradient_norm", mean_gradient_norm}, {"gradients_clipped", clipped},
          {"transitions", data_.state.size(0)}};
}

nlohmann::json FopgTrainer::evaluate() {
  last_cost_ = evaluation_cost(*policy_);
  return {{"cost", last_cost_}, {"baseline_cost", baseline_cost_}};
}

nlohmann::json FopgTrainer::summary() {
  return {{"status", diverged_ ? "diverged" : (std::isfinite(last_cost_) ? "finished" : "unstable")},
          {"final_cost", last_cost_},
          {"baseline_cost", baseline_cost_},
          {"initial_cost", initial_cost_},
          {"model_error", model_error_},
          {"iterations", iterations_},
          {"steps", iterations_},
          {"transitions", data_.state.size(0)},
          {"contact_task", options_.task_name},
          {"smoothing", lcp::to_string(options_.smoothing)},
          {"oracle", options_.oracle},
          {"evaluation_seed", options_.evaluation_seed},
          {"eval_episodes", options_.eval_episodes},
          {"policy", options_.policy}};
}

void FopgTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  archive.write("theta", policy_->flat_parameters());
  torch::serialize::OutputArchive optimizer, model;
  optimizer_->save(optimizer);
  archive.write("optimizer", optimizer);
  model_->save(model);
  archive.write("model", model);
  archive.write("data_state", data_.state);
  archive.write("data_input", data_.input);
  archive.write("data_next_state", data_.next_state);
  archive.write("data_lambda", data_.lambda);
  archive.write("state_scale", state_scale_);
  archive.write("input_scale", input_scale_);
  write_scalars(archive, {{"episodes_collected", episodes_collected_},
                          {"iterations", iterations_},
                          {"model_loss", model_loss_},
                          {"model_error", model_error_},
                          {"initial_cost", initial_cost_}});
}

void FopgTrainer::load_state(torch::serialize::InputArchive& archive) {
  torch::Tensor theta;
  archive.read("theta", theta);
  if (theta.numel() != policy_->parameter_count()) {
    throw InputError("checkpoint: " + std::to_string(theta.numel()) + " policy parameters, expected " +
                     std::to_string(policy_->parameter_count()));
  }
  policy_->set_flat_parameters(theta);
  torch::serialize::InputArchive optimizer, model;
  archive.read("optimizer", optimizer);
  optimizer_->load(optimizer);
  archive.read("model", model);
  model_->load(model);
  archive.read("data_state", data_.state);
  archive.read("data_input", data_.input);
  archive.read("data_next_state", data_.next_state);
  archive.read("data_lambda", data_.lambda);
  archive.read("state_scale", state_scale_);
  archive.read("input_scale", input_scale_);
  SavedScalars scalars(archive);
  episodes_collected_ = scalars.integer("episodes_collected");
  iterations_ = scalars.integer("iterations");
  model_loss_ = scalars.real("model_loss");
  model_error_ = scalars.real("model_error");
  initial_cost_ = scalars.real("initial_cost");
}

}  // namespace diffctl
