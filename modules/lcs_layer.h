#pragma once

#include "modules/p_matrix_parameterization.h"
#include "src/lcp/lcs_dynamics.h"
#include "src/lcp/smoothing.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace diffctl {

struct LCSLayerOptions {
  LCSLayerOptions(int64_t state_dim, int64_t input_dim, int64_t contact_dim)
      : state_dim_(state_dim), input_dim_(input_dim), contact_dim_(contact_dim) {}
  TORCH_ARG(int64_t, state_dim);
  TORCH_ARG(int64_t, input_dim);
  TORCH_ARG(int64_t, contact_dim);
  TORCH_ARG(lcp::SmoothingMode, smoothing) = lcp::SmoothingMode::exact;
  // Base centering μ ≥ 0: the μ_min of `exact` (0: the exact LCP), the fixed μ > 0 of
  // `constant`, a floor added to μ(z) in `contact_aware`, each sample's μ in `randomized`.
  TORCH_ARG(double, mu) = 0.0;
  TORCH_ARG(double, sigma) = 0.1;  // contact_aware and randomized (see lcp::SmoothingOptions)
  TORCH_ARG(double, c1) = 0.0;
  TORCH_ARG(double, c2) = 0.0;
  TORCH_ARG(int64_t, samples) = 64;
  TORCH_ARG(lcp::SolverOptions, solver) = {};
  // Matrices are parameters (F through PMatrixParameterization), else buffers.
  TORCH_ARG(bool, learnable) = true;
  TORCH_ARG(bool, learnable_mu) = false;  // μ a parameter as well
  TORCH_ARG(double, p_matrix_margin) = 0.1;

 public:  // TORCH_ARG leaves the struct in private
  lcp::SmoothingOptions smoothing_options() const;
  void validate() const;  // InputError naming the option
};

// One step of a linear complementarity system, x, u ↦ x⁺, λ (paper eq. 2.1), with the
// contact impulse smoothed as the options say. float64; `.to()` moves it like any module.
class LCSLayerImpl : public torch::nn::Module {
 public:
  // Random A ≈ I, B, C, D, E ~ N(0, 0.25/fan_in), c = d = 0, F = (1 + ε) I, drawn from
  // `generator` (LibTorch's global one when none is given).
  explicit LCSLayerImpl(const LCSLayerOptions& options, std::optional<at::Generator> generator = std::nullopt);
  // Given matrices, validated (F must be a P-matrix, checked exactly up to 12 contacts).
  LCSLayerImpl(const LCSLayerOptions& options, const LCSMatrices& matrices);

  // x (B, state_dim), u (B, input_dim). Randomized smoothing draws its noise from `noise`
  // (pass the run's generator, so a resumed run equals an uninterrupted one).
  LCSStep forward(const torch::Tensor& x, const torch::Tensor& u, std::optional<at::Generator> noise = std::nullopt);
  // The current matrices, F assembled from its parameterization when learnable.
  LCSMatrices matrices();

  LCSLayerOptions options;
  torch::Tensor A, B, C, D, E, c, d;
  torch::Tensor mu;                               // () base centering
  PMatrixParameterization F_parameterization{nullptr};  // when learnable
  torch::Tensor F;                                // when fixed

 private:
  void register_matrices(const LCSMatrices& matrices);
};
TORCH_MODULE(LCSLayer);

}  // namespace diffctl
