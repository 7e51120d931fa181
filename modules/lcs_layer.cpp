#include "modules/lcs_layer.h"

#include "src/error.h"
#include "src/seeding.h"
#include "src/lcp/p_matrix.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

namespace diffctl {

lcp::SmoothingOptions LCSLayerOptions::smoothing_options() const {
  lcp::SmoothingOptions result;
  result.mode = smoothing();
  result.sigma = sigma();
  result.c1 = c1();
  result.c2 = c2();
  result.samples = samples();
  result.solver = solver();
  return result;
}

void LCSLayerOptions::validate() const {
  if (state_dim() < 1 || input_dim() < 0 || contact_dim() < 1) {
    throw InputError("LCSLayerOptions: expected state_dim >= 1, input_dim >= 0, contact_dim >= 1, got " +
                     std::to_string(state_dim()) + ", " + std::to_string(input_dim()) + ", " +
                     std::to_string(contact_dim()));
  }
  if (!(mu() >= 0.0) || !std::isfinite(mu())) {
    throw InputError("LCSLayerOptions.mu: expected a finite number >= 0, got " + std::to_string(mu()));
  }
  if (smoothing() == lcp::SmoothingMode::constant && !(mu() > 0.0)) {
    throw InputError("LCSLayerOptions.mu: constant smoothing expects mu > 0, got " + std::to_string(mu()));
  }
  smoothing_options().validate();
}

LCSLayerImpl::LCSLayerImpl(const LCSLayerOptions& options_, std::optional<at::Generator> generator)
    : options(options_) {
  options.validate();
  const int64_t nx = options.state_dim();
  const int64_t nu = options.input_dim();
  const int64_t nl = options.contact_dim();
  const c10::optional<at::Generator> source = generator_or_global(generator);
  auto random = [&](int64_t rows, int64_t columns) {
    return torch::randn({rows, columns}, source, torch::kFloat64) *
           (0.5 / std::sqrt(static_cast<double>(std::max<int64_t>(columns, 1))));
  };
  LCSMatrices initial{torch::eye(nx, torch::kFloat64) + 0.1 * random(nx, nx),
                      random(nx, nu),
                      random(nx, nl),
                      random(nl, nx),
                      random(nl, nu),
                      (1.0 + options.p_matrix_margin()) * torch::eye(nl, torch::kFloat64),
                      torch::zeros({nx}, torch::kFloat64),
                      torch::zeros({nl}, torch::kFloat64)};
  register_matrices(initial);
}

LCSLayerImpl::LCSLayerImpl(const LCSLayerOptions& options_, const LCSMatrices& matrices)
    : options(options_) {
  options.validate();
  matrices.validate();
  const bool fits = matrices.A.dim() == 2 && matrices.A.size(0) == options.state_dim() &&
                    matrices.B.size(1) == options.input_dim() && matrices.C.size(1) == options.contact_dim();
  if (!fits) {
    throw InputError("LCSLayer: matrices: expected dimensions (state, input, contact) = (" +
                     std::to_string(options.state_dim()) + ", " + std::to_string(options.input_dim()) + ", " +
                     std::to_string(options.contact_dim()) + ") without a batch dimension, got A " +
                     c10::str(matrices.A.sizes()) + ", B " + c10::str(matrices.B.sizes()) + ", C " +
                     c10::str(matrices.C.sizes()));
  }
  lcp::require_p_matrix(matrices.F, "LCSLayer: F");
  register_matrices(matrices);
}

void LCSLayerImpl::register_matrices(const LCSMatrices& m) {
  const bool learnable = options.learnable();
  auto add = [&](const std::string& name, const torch::Tensor& value) {
    const torch::Tensor copy = value.detach().to(torch::kFloat64).clone();
    return learnable ? register_parameter(name, copy) : register_buffer(name, copy);
  };
  A = add("A", m.A);
  B = add("B", m.B);
  C = add("C", m.C);
  D = add("D", m.D);
  E = add("E", m.E);
  c = add("c", m.c);
  d = add("d", m.d);
  if (learnable) {
    F_parameterization = register_module(
        "F", PMatrixParameterization(
                 PMatrixParameterizationOptions(options.contact_dim()).margin(options.p_matrix_margin()), m.F));
  } else {
    F = register_buffer("F", m.F.detach().to(torch::kFloat64).clone());
  }
  const torch::Tensor base_mu = torch::full({}, options.mu(), torch::kFloat64);
  mu = options.learnable_mu() ? register_parameter("mu", base_mu) : register_buffer("mu", base_mu);
}

LCSMatrices LCSLayerImpl::matrices() {
  return {A, B, C, D, E, F_parameterization ? F_parameterization->forward() : F, c, d};
}

LCSStep LCSLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& u, std::optional<at::Generator> noise) {
  return lcs_step(matrices(), x, u, mu, options.smoothing_options(), std::move(noise));
}

}  // namespace diffctl
