#pragma once

#include "src/config/enum_names.h"
#include "src/manifold/manifold.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

#include <string>
#include <vector>

namespace diffctl {

// A parameter and the manifold it lives on.
struct ManifoldParameter {
  std::string name;
  torch::Tensor value;
  Manifold manifold;
};

enum class RiemannianOptimizerKind { sgd, adam };
inline constexpr EnumNames<RiemannianOptimizerKind, 2> kRiemannianOptimizerKindNames{
    {{RiemannianOptimizerKind::sgd, "sgd"}, {RiemannianOptimizerKind::adam, "adam"}}};

struct RiemannianOptimizerOptions {
  RiemannianOptimizerKind kind = RiemannianOptimizerKind::adam;
  double learning_rate = 1e-3;
  double momentum = 0.9;  // sgd (heavy ball; 0 for plain SGD)
  double beta1 = 0.9;     // adam
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.0;  // free parameters only, added to the gradient
  Retraction retraction = Retraction::exponential;

  void validate() const;
};

// Descends autograd gradients (each parameter's .grad()) like torch::optim's SGD and Adam,
// keeping orthogonal and Stiefel parameters on their manifolds, which a Euclidean step
// would drift them off: the gradient G is turned into the skew-symmetric Riemannian
// direction Ω = G Wᵀ − W Gᵀ (riemannian_direction), the momentum or Adam moments are kept
// on Ω, and W moves by the retraction W ← exp(−α D) W (or Cayley). The moments live in the
// Lie algebra (D acts on W from the left), so they stay valid tangent directions as W
// moves; Adam's second moment of Ω's entries is symmetric, so its scaled direction stays
// skew-symmetric. Free parameters take the usual step, symmetric ones a symmetrised one.
class RiemannianOptimizer {
 public:
  RiemannianOptimizer(std::vector<ManifoldParameter> parameters, RiemannianOptimizerOptions options);

  // One step with the current gradients, at learning rate `learning_rate` (the schedule's).
  void step(double learning_rate);
  void zero_grad();

  int64_t steps() const { return steps_; }
  const std::vector<ManifoldParameter>& parameters() const { return parameters_; }
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  std::vector<ManifoldParameter> parameters_;
  RiemannianOptimizerOptions options_;
  std::vector<torch::Tensor> first_moments_, second_moments_;  // per parameter; the Lie algebra's for O(n), St(n, k)
  int64_t steps_ = 0;
};

}  // namespace diffctl
