#pragma once

#include "src/lcp/lcs_dynamics.h"

#include <torch/types.h>

namespace diffctl {

// Changes of coordinates that leave an LCS's exact dynamics unchanged.

// The same LCS with every contact's gap measured in state units: row i of (D, E, d) and of
// F divided by sᵢ = ‖(Dᵢ, Eᵢ)‖, column i of C and F by sᵢ too (λᵢ scaled by sᵢ). A learned
// model fixes its contacts only up to such a scale; smoothing of strength σ in z then means
// the same for every fit and for the true system.
LCSMatrices with_unit_contact_normals(const LCSMatrices& m);

// An LCS identified in scaled coordinates x̃ = x / state_scale, ũ = u / input_scale (both
// elementwise, (dx) and (du)), written in the original x and u.
LCSMatrices in_unscaled_coordinates(const LCSMatrices& scaled, const torch::Tensor& state_scale,
                                    const torch::Tensor& input_scale);

}  // namespace diffctl
