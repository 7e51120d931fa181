#include "src/linalg/gmres.h"

#include "src/error.h"

#include <torch/linalg.h>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace diffctl {

void GmresOptions::validate() const {
  if (!(tolerance > 0.0)) throw InputError("gmres.tolerance: expected a number > 0, got " + std::to_string(tolerance));
  if (restart < 1) throw InputError("gmres.restart: expected an integer >= 1, got " + std::to_string(restart));
  if (max_restarts < 1) {
    throw InputError("gmres.max_restarts: expected an integer >= 1, got " + std::to_string(max_restarts));
  }
}

namespace {

torch::Tensor rowwise_dot(const torch::Tensor& a, const torch::Tensor& b) { return (a * b).sum(-1); }

// v / s where s > 0, else 0 (a converged or broken-down problem keeps a zero direction).
torch::Tensor safe_divide(const torch::Tensor& v, const torch::Tensor& s) {
  const torch::Tensor positive = s > 0;
  return torch::where(positive.unsqueeze(-1), v / torch::where(positive, s, torch::ones_like(s)).unsqueeze(-1),
                      torch::zeros_like(v));
}

}  // namespace

GmresResult solve_gmres(const std::function<torch::Tensor(const torch::Tensor&)>& apply, const torch::Tensor& b,
                        const GmresOptions& options) {
  options.validate();
  const int64_t batch = b.size(0);
  const int64_t m = options.restart;
  const torch::Tensor b_norm = b.norm(2, -1);
  const torch::Tensor threshold = options.tolerance * torch::where(b_norm > 0, b_norm, torch::ones_like(b_norm));
  torch::Tensor x = torch::zeros_like(b);
  torch::Tensor residual_norm = b_norm;
  torch::Tensor converged = residual_norm <= threshold;
  torch::Tensor iterations = torch::zeros({batch}, b.options().dtype(torch::kLong));

  for (int64_t cycle = 0; cycle < options.max_restarts && !converged.all().item<bool>(); ++cycle) {
    const torch::Tensor r = b - apply(x);
    const torch::Tensor beta = r.norm(2, -1);
    std::vector<torch::Tensor> basis{safe_divide(r, beta)};
    // H is kept as columns; g is the rotated right-hand side β e₁.
    std::vector<std::vector<torch::Tensor>> columns;
    std::vector<torch::Tensor> cosines, sines;
    std::vector<torch::Tensor> g{beta};
    int64_t size = 0;
    for (int64_t j = 0; j < m; ++j) {
      torch::Tensor v = apply(basis[j]);
      std::vector<torch::Tensor> h;
      for (int64_t i = 0; i <= j; ++i) {
        h.push_back(rowwise_dot(v, basis[i]));
        v = v - h[i].unsqueeze(-1) * basis[i];
      }
      const torch::Tensor h_next = v.norm(2, -1);
      basis.push_back(safe_divide(v, h_next));
      for (int64_t i = 0; i < j; ++i) {
        const torch::Tensor upper = cosines[i] * h[i] + sines[i] * h[i + 1];
        h[i + 1] = -sines[i] * h[i] + cosines[i] * h[i + 1];
        h[i] = upper;
      }
      const torch::Tensor radius = torch::sqrt(h[j] * h[j] + h_next * h_next);
      const torch::Tensor nonzero = radius > 0;
      const torch::Tensor safe_radius = torch::where(nonzero, radius, torch::ones_like(radius));
      cosines.push_back(torch::where(nonzero, h[j] / safe_radius, torch::ones_like(radius)));
      sines.push_back(torch::where(nonzero, h_next / safe_radius, torch::zeros_like(radius)));
      h[j] = torch::where(nonzero, radius, h[j]);
      g.push_back(-sines[j] * g[j]);
      g[j] = cosines[j] * g[j];
      columns.push_back(h);
      size = j + 1;
      const torch::Tensor active = converged.logical_not();
      iterations = iterations + active.to(torch::kLong);
      if (((g[j + 1].abs() <= threshold).logical_or(converged)).all().item<bool>()) break;
    }
    // Back substitution on the triangular R y = g.
    std::vector<torch::Tensor> y(size);
    for (int64_t i = size - 1; i >= 0; --i) {
      torch::Tensor sum = g[i];
      for (int64_t k = i + 1; k < size; ++k) sum = sum - columns[k][i] * y[k];
      const torch::Tensor diagonal = columns[i][i];
      const torch::Tensor usable = diagonal.abs() > 0;
      y[i] = torch::where(usable, sum / torch::where(usable, diagonal, torch::ones_like(diagonal)),
                          torch::zeros_like(sum));
    }
    torch::Tensor update = torch::zeros_like(b);
    for (int64_t i = 0; i < size; ++i) update = update + y[i].unsqueeze(-1) * basis[i];
    x = torch::where(converged.unsqueeze(-1), x, x + update);
    residual_norm = (b - apply(x)).norm(2, -1);
    converged = converged.logical_or(residual_norm <= threshold);
  }
  const torch::Tensor relative = residual_norm / torch::where(b_norm > 0, b_norm, torch::ones_like(b_norm));
  return {x, converged, iterations, relative};
}

}  // namespace diffctl
