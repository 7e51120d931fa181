#include "src/lcp/lcs_coordinates.h"

#include <torch/torch.h>

namespace diffctl {

LCSMatrices with_unit_contact_normals(const LCSMatrices& m) {
  const torch::Tensor scale = torch::cat({m.D, m.E}, 1).norm(2, 1).clamp_min(1e-12);  // (dλ)
  return {m.A, m.B, m.C / scale, m.D / scale.unsqueeze(1), m.E / scale.unsqueeze(1),
          m.F / scale.unsqueeze(1) / scale, m.c, m.d / scale};
}

LCSMatrices in_unscaled_coordinates(const LCSMatrices& m, const torch::Tensor& state_scale,
                                    const torch::Tensor& input_scale) {
  // x⁺ = s ∘ x̃⁺ = s ∘ (Ã x/s + B̃ u/s_u + C̃ λ + c̃), z = D̃ x/s + Ẽ u/s_u + F̃ λ + d̃.
  const torch::Tensor s = state_scale, s_u = input_scale, rows = state_scale.unsqueeze(1);
  return {rows * m.A / s, rows * m.B / s_u, rows * m.C, m.D / s, m.E / s_u, m.F, s * m.c, m.d};
}

}  // namespace diffctl
