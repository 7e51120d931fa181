#include "src/manifold/manifold.h"

#include "src/error.h"

#include <torch/linalg.h>
#include <torch/torch.h>

namespace diffctl {

void check_manifold_shape(Manifold manifold, const torch::Tensor& W, const std::string& what) {
  if (manifold == Manifold::free) return;
  const bool matrix = W.dim() == 2;
  const bool square = matrix && W.size(0) == W.size(1);
  const bool tall = matrix && W.size(0) >= W.size(1);
  const bool fits = manifold == Manifold::stiefel ? tall : square;
  if (!fits) {
    throw InputError(what + ": a " + to_string(manifold) + " parameter must be " +
                     (manifold == Manifold::stiefel ? "an n×k matrix with n >= k" : "a square matrix") + ", got shape " +
                     c10::str(W.sizes()));
  }
}

torch::Tensor riemannian_direction(Manifold manifold, const torch::Tensor& W, const torch::Tensor& G) {
  switch (manifold) {
    case Manifold::free: return G;
    case Manifold::symmetric: return 0.5 * (G + G.t());
    case Manifold::orthogonal:
    case Manifold::stiefel: return G.matmul(W.t()) - W.matmul(G.t());
  }
  throw Error("riemannian_direction: unknown manifold");
}

torch::Tensor retract(Manifold manifold, const torch::Tensor& W, const torch::Tensor& D, double step,
                      Retraction retraction) {
  switch (manifold) {
    case Manifold::free: return W + step * D;
    case Manifold::symmetric: {
      const torch::Tensor moved = W + step * D;
      return 0.5 * (moved + moved.t());
    }
    case Manifold::orthogonal:
    case Manifold::stiefel: {
      if (retraction == Retraction::exponential) return torch::linalg::matrix_exp(step * D).matmul(W);
      const torch::Tensor identity = torch::eye(D.size(0), D.options());
      return torch::linalg::solve(identity - (0.5 * step) * D, (identity + (0.5 * step) * D).matmul(W), true);
    }
  }
  throw Error("retract: unknown manifold");
}

torch::Tensor project_to_manifold(Manifold manifold, const torch::Tensor& W) {
  switch (manifold) {
    case Manifold::free: return W;
    case Manifold::symmetric: return 0.5 * (W + W.t());
    case Manifold::orthogonal:
    case Manifold::stiefel: {
      const auto [U, S, Vh] = torch::linalg::svd(W, /*full_matrices=*/false, c10::nullopt);
      return U.matmul(Vh);
    }
  }
  throw Error("project_to_manifold: unknown manifold");
}

}  // namespace diffctl
