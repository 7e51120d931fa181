#pragma once

#include "src/config/enum_names.h"
#include "src/lcp/interior_point.h"

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <optional>

#include <string>

namespace diffctl::lcp {

// How the contact impulse λ = S_μ(z) of an LCS is smoothed (paper sections 2 and 4).
enum class SmoothingMode {
  exact,          // μ = the base centering (default 0: the exact LCP)
  constant,       // analytic barrier smoothing with a fixed μ > 0
  contact_aware,  // μ(z) of Proposition 4.2 (plus the base centering)
  randomized,     // Monte-Carlo E_w[S_μ(z + w)], w ~ N(0, σ²I) (Proposition 4.1's baseline)
};

inline constexpr EnumNames<SmoothingMode, 4> kSmoothingModeNames{{{SmoothingMode::exact, "exact"},
                                                                   {SmoothingMode::constant, "constant"},
                                                                   {SmoothingMode::contact_aware, "contact_aware"},
                                                                   {SmoothingMode::randomized, "randomized"}}};
inline std::string to_string(SmoothingMode mode) { return enum_name(kSmoothingModeNames, mode); }

struct SmoothingOptions {
  SmoothingMode mode = SmoothingMode::exact;
  double sigma = 0.1;    // standard deviation of the Gaussian in z (contact_aware, randomized)
  double c1 = 0.0;       // κ's tunable terms c₁ z + c₂ (contact_aware)
  double c2 = 0.0;
  int64_t samples = 64;  // Monte-Carlo samples (randomized)
  SolverOptions solver;

  void validate() const;  // InputError naming the field
};

// Proposition 4.2 per contact i, with Fᵢᵢ the contact's own stiffness:
//   κᵢ = (σ φ(zᵢ/σ) − zᵢ Q(zᵢ/σ)) / Fᵢᵢ + c₁ zᵢ + c₂,
//   μᵢ = max(κᵢ (zᵢ + Fᵢᵢ κᵢ), 0),
// φ the standard normal density and Q(t) = ½ erfc(t/√2) its tail. How we read the paper:
// its κ = z·erf(z; σ) + e^{−z²/(2σ)}/√π + c₁z + c₂ is the Gaussian-smoothed exact impulse
// E_w[S₀(z + w)] = E[max(−z − w, 0)]/F (the K* of Proposition 4.2 and Lemma A.4), written
// for F = 1 with σ and σ² mixed up and the sign of the tail term lost: as printed, κ → z < 0
// deep in contact, not an impulse. With c₁ = c₂ = 0, μ solves λ(z + Fλ) = μ at λ = κ, so in
// one dimension contact-aware smoothing reproduces randomized smoothing exactly
// (Proposition 4.1), and μ → 0 both away from contact (z ≫ σ: κ → 0) and deep in it
// (z ≪ −σ: z + Fκ → 0), positive only near z = 0.
torch::Tensor contact_aware_impulse(const torch::Tensor& z, const torch::Tensor& stiffness,
                                    const SmoothingOptions& options);
torch::Tensor contact_aware_centering(const torch::Tensor& z, const torch::Tensor& stiffness,
                                      const SmoothingOptions& options);

// The smoothed impulse λ = S(z) of λ ∘ (Fλ + z) = μ, λ ≥ 0: F (B, n, n), z (B, n), and the
// base centering μ (broadcastable to (B, n), ≥ 0) that every mode adds. Differentiable in
// F, z and μ. For `randomized` the summary says whether every sample converged (and
// their largest iteration count); the noise is drawn on the CPU from `noise` (a run's
// checkpointed generator, so a resumed run draws what an uninterrupted one would), or
// from LibTorch's global generator when none is given.
Solution solve_smoothed(const torch::Tensor& F, const torch::Tensor& z, const torch::Tensor& mu,
                        const SmoothingOptions& options, std::optional<at::Generator> noise = std::nullopt);

}  // namespace diffctl::lcp
