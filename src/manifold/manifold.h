#pragma once

#include "src/config/enum_names.h"
#include <torch/types.h>

#include <string>

namespace diffctl {

// The set a parameter lives on. An update that follows a gradient estimate must keep the
// parameter there: free parameters take any step, symmetric ones are symmetrised, and
// orthogonal (O(n), square) and Stiefel (St(n, k): n×k with orthonormal columns) ones
// are retracted (ode-to-ode.md, eq. 8–9). Policies declare one per parameter.
enum class Manifold { free, symmetric, orthogonal, stiefel };
inline constexpr EnumNames<Manifold, 4> kManifoldNames{
    {{Manifold::free, "free"}, {Manifold::symmetric, "symmetric"}, {Manifold::orthogonal, "orthogonal"}, {Manifold::stiefel, "stiefel"}}};
inline std::string to_string(Manifold manifold) { return enum_name(kManifoldNames, manifold); }

// How an orthogonal or Stiefel parameter is moved along a skew-symmetric direction Ω:
// exactly, W ← exp(tΩ) W, or by the Cayley transform W ← (I − tΩ/2)⁻¹(I + tΩ/2) W, which
// agrees to second order in t, is also exactly orthogonal, and needs a solve instead of a
// matrix exponential.
enum class Retraction { exponential, cayley };

// The Riemannian counterpart of a Euclidean direction G (a gradient, or an ascent
// direction) at W, ode-to-ode.md eq. 8–9: G itself (free), (G + Gᵀ)/2 (symmetric), and the
// skew-symmetric Ω = G Wᵀ − W Gᵀ (n×n) for orthogonal and Stiefel W, along which
// d/dt F(exp(tΩ) W) at t = 0 is ½‖Ω‖²_F when G = ∇F.
torch::Tensor riemannian_direction(Manifold manifold, const torch::Tensor& W, const torch::Tensor& G);

// W moved by `step` along a Riemannian direction D from riemannian_direction: W + step·D
// (free, symmetric, symmetrised again against rounding), or the retraction along Ω
// (orthogonal, Stiefel), which keeps WᵀW = I.
torch::Tensor retract(Manifold manifold, const torch::Tensor& W, const torch::Tensor& D, double step,
                      Retraction retraction = Retraction::exponential);

// The nearest point of the manifold (Frobenius): W itself, its symmetric part, or the
// orthogonal polar factor U Vᵀ of W = U S Vᵀ. For initialisation and checks.
torch::Tensor project_to_manifold(Manifold manifold, const torch::Tensor& W);

// Throws InputError unless W's shape fits the manifold (square for symmetric and
// orthogonal, n ≥ k for Stiefel), naming `what`.
void check_manifold_shape(Manifold manifold, const torch::Tensor& W, const std::string& what);

}  // namespace diffctl
