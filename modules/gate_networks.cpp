#include "modules/gate_networks.h"

namespace diffctl {

torch::Tensor gated_matrices(const torch::Tensor& coefficients, const torch::Tensor& in_weight,
                             const torch::Tensor& in_bias, const torch::Tensor& out, const torch::Tensor& times) {
  const int64_t K = out.size(0), g = out.size(1), s = out.size(2), n = out.size(3), N = times.size(0);
  const auto t = times.to(in_weight.options()).view({1, N, 1, 1});
  // aᵢ |uᵢⱼ t + cᵢⱼ| (K, N, g·s), then one batched product with M (K, g·s, n²).
  const auto hidden = coefficients.view({K, 1, g, 1}) * torch::abs(in_weight.unsqueeze(1) * t + in_bias.unsqueeze(1));
  return torch::bmm(hidden.reshape({K, N, g * s}), out.reshape({K, g * s, n * n})).view({K, N, n, n});
}

}  // namespace diffctl
