#include "src/manifold/riemannian_optimizer.h"

#include "src/error.h"

#include <cmath>

namespace diffctl {

void RiemannianOptimizerOptions::validate() const {
  if (!(learning_rate > 0.0)) throw InputError("learning_rate: expected a number > 0, got " + std::to_string(learning_rate));
  if (!(momentum >= 0.0 && momentum < 1.0)) throw InputError("momentum: expected a number in [0, 1)");
  if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) {
    throw InputError("beta1, beta2: expected numbers in [0, 1)");
  }
  if (!(epsilon > 0.0)) throw InputError("epsilon: expected a number > 0");
  if (!(weight_decay >= 0.0)) throw InputError("weight_decay: expected a number >= 0");
}

RiemannianOptimizer::RiemannianOptimizer(std::vector<ManifoldParameter> parameters, RiemannianOptimizerOptions options)
    : parameters_(std::move(parameters)), options_(options) {
  options_.validate();
  for (const auto& parameter : parameters_) {
    check_manifold_shape(parameter.manifold, parameter.value, parameter.name);
    const bool on_group = parameter.manifold == Manifold::orthogonal || parameter.manifold == Manifold::stiefel;
    const auto& W = parameter.value;
    const auto zeros = on_group ? torch::zeros({W.size(0), W.size(0)}, W.options()) : torch::zeros_like(W);
    first_moments_.push_back(zeros.detach().clone());
    second_moments_.push_back(zeros.detach().clone());
  }
}

void RiemannianOptimizer::zero_grad() {
  for (auto& parameter : parameters_) {
    if (parameter.value.grad().defined()) parameter.value.mutable_grad().zero_();
  }
}

void RiemannianOptimizer::step(double learning_rate) {
  torch::NoGradGuard no_grad;
  ++steps_;
  const bool adam = options_.kind == RiemannianOptimizerKind::adam;
  const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto& parameter = parameters_[i];
    torch::Tensor& W = parameter.value;
    if (!W.grad().defined()) continue;
    torch::Tensor G = W.grad();
    if (parameter.manifold == Manifold::free && options_.weight_decay > 0.0) G = G + options_.weight_decay * W;
    const torch::Tensor direction = riemannian_direction(parameter.manifold, W, G);
    torch::Tensor& m = first_moments_[i];
    torch::Tensor update;
    if (adam) {
      m.mul_(options_.beta1).add_(direction, 1.0 - options_.beta1);
      second_moments_[i].mul_(options_.beta2).addcmul_(direction, direction, 1.0 - options_.beta2);
      update = (m / bias1) / ((second_moments_[i] / bias2).sqrt() + options_.epsilon);
    } else {
      m.mul_(options_.momentum).add_(direction);
      update = m;
    }
    W.copy_(retract(parameter.manifold, W, update, -learning_rate, options_.retraction));
  }
}

void RiemannianOptimizer::save(torch::serialize::OutputArchive& archive) const {
  archive.write("steps", torch::tensor(steps_));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    archive.write("first_moment." + parameters_[i].name, first_moments_[i]);
    archive.write("second_moment." + parameters_[i].name, second_moments_[i]);
  }
}

void RiemannianOptimizer::load(torch::serialize::InputArchive& archive) {
  torch::Tensor steps;
  archive.read("steps", steps);
  steps_ = steps.item<int64_t>();
  for (size_t i = 0; i < parameters_.size(); ++i) {
    torch::Tensor first, second;
    archive.read("first_moment." + parameters_[i].name, first);
    archive.read("second_moment." + parameters_[i].name, second);
    if (!first.sizes().equals(first_moments_[i].sizes()) || !second.sizes().equals(second_moments_[i].sizes())) {
      throw InputError("optimizer state of " + parameters_[i].name + ": expected shape " +
                       c10::str(first_moments_[i].sizes()) + ", got " + c10::str(first.sizes()));
    }
    first_moments_[i].copy_(first);
    second_moments_[i].copy_(second);
  }
}

}  // namespace diffctl
