#include "src/manifold/manifold_optimizer.h"

#include "src/error.h"

#include <torch/torch.h>

#include <cmath>

namespace diffctl {

void ManifoldOptimizerOptions::validate() const {
  if (!(step_size > 0.0) || !std::isfinite(step_size)) {
    throw InputError("step_size: expected a finite number > 0, got " + std::to_string(step_size));
  }
  if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0) || !(epsilon > 0.0)) {
    throw InputError("adam: expected beta1, beta2 in [0, 1) and epsilon > 0");
  }
  if (decay_steps < 0) throw InputError("decay_steps: expected an integer >= 0, got " + std::to_string(decay_steps));
}

ManifoldOptimizer::ManifoldOptimizer(ParameterLayout layout, ManifoldOptimizerOptions options)
    : layout_(std::move(layout)), options_(options) {
  options_.validate();
}

double ManifoldOptimizer::current_step_size() const {
  if (options_.decay_steps == 0) return options_.step_size;
  return options_.step_size / std::sqrt(1.0 + static_cast<double>(steps_) / static_cast<double>(options_.decay_steps));
}

torch::Tensor ManifoldOptimizer::step(const torch::Tensor& theta, const torch::Tensor& gradient) {
  if (theta.dim() != 1 || theta.size(0) != layout_.size() || gradient.sizes() != theta.sizes()) {
    throw Error("ManifoldOptimizer::step: expected θ and its gradient of size " + std::to_string(layout_.size()) +
                ", got " + c10::str(theta.sizes()) + " and " + c10::str(gradient.sizes()));
  }
  const double step_size = current_step_size();
  ++steps_;
  // The Euclidean direction to move along: the estimate, or Adam's rescaling of it.
  torch::Tensor direction = options_.maximize ? gradient : -gradient;
  if (options_.kind == ManifoldOptimizerKind::adam) {
    if (!first_moment_.defined()) {
      first_moment_ = torch::zeros_like(theta);
      second_moment_ = torch::zeros_like(theta);
    }
    first_moment_ = options_.beta1 * first_moment_ + (1.0 - options_.beta1) * direction;
    second_moment_ = options_.beta2 * second_moment_ + (1.0 - options_.beta2) * direction * direction;
    const double correction1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
    const double correction2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
    direction = (first_moment_ / correction1) / ((second_moment_ / correction2).sqrt() + options_.epsilon);
  }
  torch::Tensor next = theta.clone();
  for (const auto& block : layout_.blocks()) {
    const torch::Tensor W = layout_.view(theta, block);
    const torch::Tensor D = riemannian_direction(block.manifold, W, layout_.view(direction, block));
    layout_.view(next, block).copy_(retract(block.manifold, W, D, step_size, options_.retraction));
  }
  return next;
}

void ManifoldOptimizer::save(torch::serialize::OutputArchive& archive) const {
  archive.write("steps", torch::tensor(steps_));
  archive.write("first_moment", first_moment_.defined() ? first_moment_ : torch::zeros({0}, torch::kFloat64));
  archive.write("second_moment", second_moment_.defined() ? second_moment_ : torch::zeros({0}, torch::kFloat64));
}

void ManifoldOptimizer::load(torch::serialize::InputArchive& archive) {
  torch::Tensor steps, first, second;
  archive.read("steps", steps);
  archive.read("first_moment", first);
  archive.read("second_moment", second);
  steps_ = steps.item<int64_t>();
  first_moment_ = first.numel() > 0 ? first : torch::Tensor();
  second_moment_ = second.numel() > 0 ? second : torch::Tensor();
}

}  // namespace diffctl
