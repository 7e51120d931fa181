#pragma once

#include "modules/policy.h"
#include "src/manifold/manifold_optimizer.h"
#include "src/zeroth_order/gradient_estimator.h"
#include "trainers/framework/rollout_pool.h"
#include "trainers/framework/trainer.h"

#include <limits>
#include <memory>
#include <optional>
#include <string>

namespace diffctl {

// es_train's config (besides Trainer's keys: steps = ES iterations, seed, eval_every, ...).
struct EsTrainOptions {
  std::string env = "swimmer";
  // any registered policy (make_policy): linear, mlp, iso_ode_to_ode, gated_ode_to_ode, deep_resnet, ...
  std::string policy = "iso_ode_to_ode";
  nlohmann::json policy_options = nlohmann::json::object();  // the policy's own keys
  int64_t directions = 200;                // antithetic pairs per iteration (k)
  double sigma = 0.1;
  double step_size = 0.01;
  int64_t step_decay_iterations = 0;  // 0: constant; T: step_size / sqrt(1 + t / T) at iteration t + 1
  ManifoldOptimizerKind optimizer = ManifoldOptimizerKind::plain;
  int64_t top_directions = 0;  // ARS's b; 0 keeps all
  bool rank_shaping = false;
  bool normalize_by_std = true;
  double reward_shift = 0.0;  // subtracted per step from training returns (ARS, alive bonuses)
  bool normalize_observations = true;
  double action_clip = 0.0;   // actions clamped to ±action_clip (0: not), exported too
  int64_t episodes = 1;       // per perturbation
  int64_t eval_episodes = 10;
  int64_t horizon = 0;        // 0: the environment's episode length
  int64_t threads = 2;

  static EsTrainOptions from_config(ConfigReader& reader);
};

// Evolution strategies on a Policy (ode-to-ode.md section 4.2 and 5.1; ARS's refinements):
// each iteration evaluates k antithetic Gaussian perturbations θ ± σε of the flat parameters
// on common episodes (RolloutPool, the K = 2k copies batched into one policy call per time
// step), estimates ∇F by the antithetic-ES estimator and moves θ with the manifold optimizer,
// so orthogonal and Stiefel parameters are retracted by the exponential map and stay on their
// manifolds. The observation normaliser merges the statistics of every training episode. The
// unperturbed policy is evaluated every eval_every iterations on fixed episodes, and the
// best evaluated policy is exported.
class EsTrainer : public Trainer {
 public:
  EsTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;
  const PolicyImpl& trained_policy() const { return *policy_; }

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  std::optional<torch::jit::Module> policy() const override;
  torch::Tensor replicated_state() const override;

 private:
  struct PerturbationReturns {
    torch::Tensor values;     // (K) training objective of each point
    int64_t env_steps = 0;
    RunningMoments visited;   // the observations of every episode, merged in block order
  };
  // The K points' training returns on the episodes of `seed`, split over the run's ranks.
  PerturbationReturns evaluate_perturbations(const torch::Tensor& points, uint64_t seed);

  EsTrainOptions options_;
  std::shared_ptr<PolicyImpl> policy_;
  std::unique_ptr<RolloutPool> training_pool_;
  std::unique_ptr<RolloutPool> evaluation_pool_;
  std::unique_ptr<GradientEstimator> estimator_;
  std::unique_ptr<ManifoldOptimizer> optimizer_;
  uint64_t evaluation_seed_ = 0;

  int64_t env_steps_ = 0;
  int64_t iterations_ = 0;
  double rollout_seconds_ = 0.0;    // inside RolloutPool::run
  double iteration_seconds_ = 0.0;  // whole iterations: rollouts, estimate, update, normaliser
  struct Distribution {
    double idle_seconds = 0.0;           // the ranks' mean wait for the slowest rank's rollouts
    double communication_seconds = 0.0;  // this rank's gather time less its wait
    int64_t gathered_values = 0;         // doubles every rank received
  } distribution_;
  double final_return_ = 0.0;
  double best_return_ = -std::numeric_limits<double>::infinity();
  torch::Tensor best_parameters_;  // flat θ of the best evaluation
  torch::Tensor best_normalizer_;  // its normaliser (count, mean, squared deviations)
};

}  // namespace diffctl
