#pragma once

#include "data/envs/contact_task.h"
#include "data/lcs/random_lcs.h"
#include "modules/lcs_layer.h"
#include "modules/linear_policy.h"
#include "modules/policy.h"
#include "trainers/fopg/fopg_objective.h"
#include "trainers/framework/rollout_pool.h"
#include "trainers/framework/trainer.h"
#include "trainers/lcs/lcs_model_fit.h"

#include <nlohmann/json.hpp>
#include <torch/optim/adam.h>

#include <memory>
#include <string>
#include <vector>

namespace diffctl {

// fopg's config (besides Trainer's keys: steps = iterations N of Algorithm 1, seed, ...).
struct FopgOptions {
  // The task (any registered contact task) and its own options.
  ContactTask task;
  std::string task_name = "cartpole_soft_walls";
  nlohmann::json task_options = nlohmann::json::object();
  std::string policy = "linear";  // any registered policy with free parameters (linear, mlp, ...)
  nlohmann::json policy_options = nlohmann::json::object();  // the policy's own keys
  // Start from the LQR baseline: a linear policy takes its gain, any other is fitted to its
  // actions (behaviour cloning) before the first iteration. Else its initial parameters.
  bool start_from_lqr = true;
  // Differentiate through the true system (no model learning): separates model error from
  // the quality of the gradient.
  bool oracle = false;
  // The model's smoothing during policy gradients (LCSLayerOptions: mu, sigma, samples).
  lcp::SmoothingMode smoothing = lcp::SmoothingMode::contact_aware;
  double mu = 0.0;
  double sigma = 0.05;
  int64_t samples = 16;
  ModelRolloutOptions rollout{200, 1.0, 0.1};   // horizon, discount, exploration_noise
  int64_t rollouts = 64;                        // M per gradient
  int64_t policy_steps = 5;                     // Adam steps per iteration
  double policy_learning_rate = 0.01;
  // The gradient's norm is clipped to this (0: never): a model rollout that diverges where
  // the model extrapolates gives one enormous gradient, which would otherwise also freeze
  // Adam by inflating its second-moment estimate for many steps.
  double max_gradient_norm = 1000.0;
  // System identification before the first iteration: transitions of the real system from
  // states uniform in ±exploration_state_bounds under inputs uniform in ±exploration_input_range
  // (the task's unless given; 0 transitions: D starts with the policy's episodes alone, as
  // Algorithm 1 states it).
  int64_t exploration_transitions = 2000;
  std::vector<double> exploration_state_bounds;
  double exploration_input_range = 0.0;
  int64_t initial_episodes = 16;       // real episodes in D before the first iteration
  int64_t episodes_per_iteration = 4;  // real episodes added to D per iteration
  double data_noise = 1.0;             // σ of the exploration while collecting real data
  LcsFitOptions fit;                   // the first fit of the model, from scratch
  int64_t restarts = 3;                // first fits from different initialisations (the best on D is kept)
  int64_t refit_steps = 200;           // later fits, warm-started, at μ = fit_mu
  double refit_learning_rate = 0.005;  // small: a fresh Adam's first steps move every entry by about this
  int64_t eval_episodes = 64;          // evaluation initial states, drawn once from
  uint64_t evaluation_seed = 0;        // derive_seed(evaluation_seed, n) as in policy_rollout
  int64_t threads = 1;

  static FopgOptions from_config(ConfigReader& reader);
};

// Model-based first-order policy gradient through contact (Algorithm 1 of
// lcs-first-order-policy-gradient.md) on a contact task (the cart-pole with soft walls by
// default; data/envs/contact_task.h): each iteration
// fits an LCS model (learnable LCSLayer, loss 3.1) to the real transitions D, takes Adam
// steps on the gradient of the discounted H-step cost of M model rollouts with
// reparameterized exploration, differentiated through the smoothed model (implicit LCP
// backward), then executes the policy on the real system (the exact LCS) and adds the
// transitions to D. Evaluation: the undiscounted 200-step cost from the fixed evaluation
// states, beside the LQR baseline's on the same states.
class FopgTrainer : public Trainer {
 public:
  FopgTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;
  const PolicyImpl& trained_policy() const { return *policy_; }

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  std::optional<torch::jit::Module> policy() const override { return policy_->to_torchscript(); }
  bool stopped_early() const override { return diverged_; }

 private:
  double evaluation_cost(const PolicyImpl& policy);
  // Executes the policy with exploration on `episodes` real episodes (the next ones of the
  // data stream) and returns their finite transitions.
  Transitions execute(int64_t episodes);
  // The first fit from scratch (with restarts), later ones warm-started.
  void fit_model(bool from_scratch);
  Transitions normalised(const Transitions& transitions) const;
  void clone_teacher(LinearPolicyImpl& teacher);

  FopgOptions options_;
  std::shared_ptr<PolicyImpl> policy_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  LCSLayer model_{nullptr};
  const ContactTask& task_;  // options_.task
  std::unique_ptr<RolloutPool> evaluation_pool_;
  Transitions data_;         // D
  Transitions policy_data_;  // its initial episodes of the policy
  // The learned model's coordinates: x̃ = x / state_scale_, ũ = u / input_scale_ (ones for
  // the oracle), fixed at the first fit.
  torch::Tensor state_scale_, input_scale_;
  uint64_t data_seed_;
  int64_t episodes_collected_ = 0;
  int64_t iterations_ = 0;
  double model_loss_ = NAN, model_error_ = NAN, surrogate_cost_ = NAN, last_cost_ = NAN;
  double initial_cost_ = NAN, baseline_cost_ = NAN;
  bool diverged_ = false;
  std::vector<double> restart_errors_;  // of this step's first fit, on the policy's episodes
};

}  // namespace diffctl
