#pragma once

#include "src/config/enum_names.h"
#include "src/manifold/manifold.h"
#include "src/manifold/parameter_layout.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

enum class ManifoldOptimizerKind { plain, adam };
inline constexpr EnumNames<ManifoldOptimizerKind, 2> kManifoldOptimizerKindNames{
    {{ManifoldOptimizerKind::plain, "plain"}, {ManifoldOptimizerKind::adam, "adam"}}};

struct ManifoldOptimizerOptions {
  ManifoldOptimizerKind kind = ManifoldOptimizerKind::plain;
  double step_size = 0.01;
  // 0: a constant step; T > 0: step t (from 1) is step_size / sqrt(1 + (t − 1) / T), the
  // τ^(−1/2) schedule of ode-to-ode.md Theorem 1 stretched over T steps: large steps while
  // climbing, smaller ones as the iterate settles.
  int64_t decay_steps = 0;
  // true: ascend F (rewards, ES); false: descend it (costs).
  bool maximize = false;
  double beta1 = 0.9;  // Adam, per element on the estimate (as OpenAI-ES)
  double beta2 = 0.999;
  double epsilon = 1e-8;
  Retraction retraction = Retraction::exponential;

  void validate() const;
};

// Steps a flat θ along a gradient estimate, block by block, keeping every block on its
// manifold: the (Adam-scaled) estimate is turned into the Riemannian direction of the
// block (ode-to-ode.md eq. 8–9) and the block is moved along it by retract().
class ManifoldOptimizer {
 public:
  ManifoldOptimizer(ParameterLayout layout, ManifoldOptimizerOptions options);

  // θ (D) and the estimate of ∇F (D) -> the next θ.
  torch::Tensor step(const torch::Tensor& theta, const torch::Tensor& gradient);

  int64_t steps() const { return steps_; }
  // The step size the next step() moves by.
  double current_step_size() const;
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  ParameterLayout layout_;
  ManifoldOptimizerOptions options_;
  torch::Tensor first_moment_, second_moment_;  // Adam, (D)
  int64_t steps_ = 0;
};

}  // namespace diffctl
