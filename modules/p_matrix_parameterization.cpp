#include "modules/p_matrix_parameterization.h"

#include "src/error.h"

#include <torch/torch.h>

#include <string>

namespace diffctl {

namespace {

void require_valid(const PMatrixParameterizationOptions& options) {
  if (options.dim() < 1) throw InputError("PMatrixParameterization: dim: expected >= 1, got " + std::to_string(options.dim()));
  if (!(options.margin() > 0.0)) {
    throw InputError("PMatrixParameterization: margin: expected > 0, got " + std::to_string(options.margin()));
  }
}

}  // namespace

PMatrixParameterizationImpl::PMatrixParameterizationImpl(const PMatrixParameterizationOptions& options_)
    : options(options_) {
  require_valid(options);
  G = register_parameter("G", torch::eye(options.dim(), torch::kFloat64));
  H = register_parameter("H", torch::zeros({options.dim(), options.dim()}, torch::kFloat64));
}

PMatrixParameterizationImpl::PMatrixParameterizationImpl(const PMatrixParameterizationOptions& options_,
                                                         const torch::Tensor& initial_F)
    : options(options_) {
  require_valid(options);
  const int64_t n = options.dim();
  if (initial_F.dim() != 2 || initial_F.size(0) != n || initial_F.size(1) != n) {
    throw InputError("PMatrixParameterization: F: expected shape (" + std::to_string(n) + ", " +
                     std::to_string(n) + "), got " + c10::str(initial_F.sizes()));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor F = initial_F.detach().to(torch::kFloat64);
  const torch::Tensor shifted = 0.5 * (F + F.t()) - options.margin() * torch::eye(n, F.options());
  auto [factor, info] = torch::linalg_cholesky_ex(shifted);
  if (info.item<int64_t>() != 0 || !torch::isfinite(F).all().item<bool>()) {
    throw InputError("PMatrixParameterization: F: expected a symmetric part (F + Fᵀ)/2 ⪰ " +
                     std::to_string(options.margin()) +
                     "·I to learn F as GGᵀ + εI + H − Hᵀ; keep such an F fixed instead (learnable = false)");
  }
  G = register_parameter("G", factor.clone());
  H = register_parameter("H", 0.25 * (F - F.t()));
}

torch::Tensor PMatrixParameterizationImpl::forward() {
  return G.matmul(G.t()) + options.margin() * torch::eye(options.dim(), G.options()) + H - H.t();
}

}  // namespace diffctl
