#pragma once

#include "data/lqr/system_domain.h"
#include "modules/linear_policy.h"
#include "src/lqr/discount_annealing.h"
#include "src/lqr/lqr_systems.h"
#include "trainers/trainer.h"

#include <torch/optim.h>

#include <memory>
#include <string>
#include <vector>

namespace diffctl {

// Policy gradient on the LQR cost C(K) = tr(P_K Σ) of u = −Kx (domain-randomized-lqr-sgd.md):
// gradient descent for one system (`mode` "single"), or minibatch SGD on the
// domain-randomized cost J_DR(K) = E_θ C(K; θ) with M fresh systems every step ("dr") or
// one fixed sample of M systems ("sa", sample average). `trials` independent runs train
// side by side (each its own gain, samples and optimizer state), batched into one solve.
//
// Config keys (besides Trainer's): instance, mode, batch_systems, trials, step_size,
// optimizer, eval_systems, anneal, annealing{...}, init_gain, init_perturbation, dtype,
// cartpole{...} (with instance "cartpole").
class LqrPgTrainer : public Trainer {
 public:
  LqrPgTrainer(ConfigReader& config, torch::Device device);

  void prepare() override;

  int64_t trials() const { return trials_; }
  // The policies being trained (u = −Kx), one per trial.
  const std::vector<LinearPolicy>& policies() const { return policies_; }
  // Their gains stacked, (trials, m, n), differentiable.
  torch::Tensor gains() const;

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
  Evaluation evaluate_gains() const;
  int64_t systems_per_trial() const;

  // Config.
  std::string instance_;
  std::string mode_;
  int64_t batch_systems_;
  int64_t trials_;
  double step_size_;
  std::string optimizer_name_;
  int64_t eval_systems_;
  bool anneal_;
  DiscountAnnealingOptions annealing_;
  nlohmann::json init_gain_;
  double init_perturbation_;
  torch::TensorOptions options_;
  std::unique_ptr<SystemDomain> domain_;

  // State.
  LqrSystems train_systems_;  // sa / single: the fixed systems, trial-major
  LqrSystems eval_systems_set_;
  std::vector<LinearPolicy> policies_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  int64_t annealing_rounds_ = 0;
  std::optional<Evaluation> last_evaluation_;
};

}  // namespace diffctl
