#include "src/autograd/gradient_check.h"

#include "src/seeding.h"

#include <torch/autograd.h>

#include <sstream>

namespace diffctl {

GradientCheckResult check_gradients(
    const std::function<torch::Tensor(const std::vector<torch::Tensor>&)>& function,
    const std::vector<torch::Tensor>& inputs, const GradientCheckOptions& options) {
  std::vector<torch::Tensor> leaves;
  std::vector<torch::Tensor> differentiable;
  std::vector<size_t> differentiable_index;
  for (size_t i = 0; i < inputs.size(); ++i) {
    leaves.push_back(inputs[i].detach().clone().requires_grad_(inputs[i].requires_grad()));
    if (inputs[i].requires_grad()) {
      differentiable.push_back(leaves.back());
      differentiable_index.push_back(i);
    }
  }
  const torch::Tensor output = function(leaves);
  auto generator = make_generator(options.seed);
  const torch::Tensor weights =
      torch::randn(output.sizes(), generator, torch::kFloat64).to(output.options());
  const auto analytic = torch::autograd::grad({(output * weights).sum()}, differentiable, {},
                                              false, false, /*allow_unused=*/true);

  GradientCheckResult result;
  std::ostringstream report;
  torch::NoGradGuard no_grad;
  auto weighted = [&](const std::vector<torch::Tensor>& point) {
    return (function(point) * weights).sum().item<double>();
  };
  for (size_t k = 0; k < differentiable.size(); ++k) {
    const size_t input = differentiable_index[k];
    std::vector<torch::Tensor> point;
    for (const auto& leaf : leaves) point.push_back(leaf.detach().clone(at::MemoryFormat::Contiguous));
    auto flat = point[input].view(-1);
    auto numeric = torch::zeros_like(flat);
    for (int64_t j = 0; j < flat.numel(); ++j) {
      const double original = flat[j].item<double>();
      flat[j] = original + options.step;
      const double plus = weighted(point);
      flat[j] = original - options.step;
      const double minus = weighted(point);
      flat[j] = original;
      numeric[j] = (plus - minus) / (2.0 * options.step);
    }
    numeric = numeric.view(point[input].sizes());
    const torch::Tensor exact = analytic[k].defined() ? analytic[k] : torch::zeros_like(numeric);
    const torch::Tensor error = (exact - numeric).abs();
    const torch::Tensor allowed = options.absolute_tolerance + options.relative_tolerance * numeric.abs();
    const bool ok = (error <= allowed).all().item<bool>();
    report << "input " << input << ": max |analytic - numeric| = " << error.max().item<double>()
           << (ok ? " (ok)" : " (FAILED)") << "\n";
    if (!ok && result.passed) {
      report << "  analytic:\n" << exact << "\n  numeric:\n" << numeric << "\n";
    }
    result.passed = result.passed && ok;
  }
  result.report = report.str();
  return result;
}

}  // namespace diffctl
