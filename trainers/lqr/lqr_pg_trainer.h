#pragma once

#include "data/lqr/system_domain.h"
#include "modules/linear_policy.h"
#include "src/lqr/discount_annealing.h"
#include "src/lqr/lqr_systems.h"
#include "trainers/framework/trainer.h"

#include <torch/optim.h>

#include <memory>
#include <string>
#include <vector>

namespace diffctl {

// "single": gradient descent on one system; "dr": fresh systems every step; "sa": one fixed
// sample of systems (sample average).
enum class LqrTrainingMode { single, domain_randomized, sample_average };
inline constexpr EnumNames<LqrTrainingMode, 3> kLqrTrainingModeNames{
    {{LqrTrainingMode::single, "single"}, {LqrTrainingMode::domain_randomized, "dr"}, {LqrTrainingMode::sample_average, "sa"}}};
inline std::string to_string(LqrTrainingMode mode) { return enum_name(kLqrTrainingModeNames, mode); }
enum class LqrOptimizer { sgd, adam };
inline constexpr EnumNames<LqrOptimizer, 2> kLqrOptimizerNames{{{LqrOptimizer::sgd, "sgd"}, {LqrOptimizer::adam, "adam"}}};
// constant: step_size throughout; cosine: step_size · ½(1 + cos(π (t − 1) / steps)) at step t,
// large steps while far from the optimum and vanishing ones at the end, where a constant
// step leaves SGD's iterates rattling around it. Either is ramped up linearly over the first
// warmup_steps: a large first step from a poor (annealed) gain overshoots out of the stable
// set, and halving it back lands next to the boundary, where the gradient is huge again.
enum class StepSizeSchedule { constant, cosine };
inline constexpr EnumNames<StepSizeSchedule, 2> kStepSizeScheduleNames{
    {{StepSizeSchedule::constant, "constant"}, {StepSizeSchedule::cosine, "cosine"}}};

// lqr_pg's config (besides Trainer's keys), read and validated in one place.
struct LqrPgOptions {
  std::string instance = "cartpole";  // "cartpole", a shipped instance name, or a file
  CartPoleDomainOptions cartpole;     // with instance "cartpole"
  LqrTrainingMode mode = LqrTrainingMode::domain_randomized;
  int64_t batch_systems = 8;
  int64_t trials = 1;
  double step_size = 1e-3;
  StepSizeSchedule step_size_schedule = StepSizeSchedule::constant;
  int64_t warmup_steps = 0;
  LqrOptimizer optimizer = LqrOptimizer::sgd;
  int64_t eval_systems = 10000;
  bool anneal = false;
  DiscountAnnealingOptions annealing;
  nlohmann::json init_gain = "zero";  // "zero", "riccati_perturbed" or a matrix (checked in prepare)
  double init_perturbation = 0.1;
  torch::ScalarType dtype = torch::kFloat64;

  static LqrPgOptions from_config(ConfigReader& reader);
};

// Policy gradient on the LQR cost C(K) = tr(P_K Σ) of u = −Kx (domain-randomized-lqr-sgd.md):
// gradient descent for one system (`mode` "single"), or minibatch SGD on the
// domain-randomized cost J_DR(K) = E_θ C(K; θ) with M fresh systems every step ("dr") or
// one fixed sample of M systems ("sa", sample average). `trials` independent runs train
// side by side (each its own gain, samples and optimizer state), batched into one solve.
//
// Config keys (besides Trainer's): those of LqrPgOptions.
class LqrPgTrainer : public Trainer {
 public:
  LqrPgTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;

  int64_t trials() const { return options_.trials; }
  // The policies being trained (u = −Kx), one per trial.
  const std::vector<LinearPolicy>& policies() const { return policies_; }
  // Their gains stacked, (trials, m, n), differentiable.
  torch::Tensor gains() const;
  const SystemDomain& domain() const { return *domain_; }
  // The systems every evaluation costs the gains on (drawn in prepare).
  const LqrSystems& evaluation_systems() const { return eval_systems_set_; }
  // K* of the domain's nominal system, (m, n) float64: the gain a user gets for free.
  torch::Tensor nominal_riccati_gain() const;

 protected:
  nlohmann::json step(int64_t step) override;
  nlohmann::json evaluate() override;
  nlohmann::json summary() override;
  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;
  std::optional<torch::jit::Module> policy() const override;

 private:
  struct Evaluation {
    std::vector<double> cost;        // J per trial (+inf when some evaluation system is unstable)
    std::vector<double> k_norm;      // ‖K‖_F per trial
    double unstable_fraction = 0.0;  // over trials × evaluation systems
  };
  torch::Tensor initial_gains();
  // A step that takes a trial's gain out of the stable set (it no longer stabilises a
  // system of the step it stabilised before: the cost is +∞ there) is halved for that
  // trial, again and again; other trials keep their steps. Throws after 30 halvings.
  void keep_stabilising(const LqrSystems& systems, const torch::Tensor& stable_before, const torch::Tensor& before,
                        int64_t step);
  Evaluation evaluate_gains() const;
  double step_size_at(int64_t step) const;
  int64_t systems_per_trial() const;

  LqrPgOptions options_;
  torch::TensorOptions tensor_options_;
  std::unique_ptr<SystemDomain> domain_;

  // State.
  LqrSystems train_systems_;  // sa / single: the fixed systems, trial-major
  LqrSystems eval_systems_set_;
  std::vector<LinearPolicy> policies_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  int64_t annealing_rounds_ = 0;
  int64_t backtracks_ = 0;  // step halvings over the run (a trial's step left the stable set)
  std::optional<Evaluation> last_evaluation_;
};

}  // namespace diffctl
