#pragma once

#include "modules/policy.h"

#include <torch/arg.h>

#include <optional>
#include <vector>

namespace diffctl {

struct IsoOdeToOdePolicyOptions {
  IsoOdeToOdePolicyOptions(int64_t observation_size, int64_t action_size)
      : observation_size_(observation_size), action_size_(action_size) {}
  TORCH_ARG(int64_t, observation_size);
  TORCH_ARG(int64_t, action_size);
  // n, the width of the main flow (at least the observation and action sizes).
  TORCH_ARG(int64_t, hidden_size) = 16;
  // N: the flows are integrated over [0, 1] in N steps of 1/N.
  TORCH_ARG(int64_t, flow_steps) = 25;
};

// The ISO-ODEtoODE policy of ode-to-ode.md (sections 3–3.1, 5.1): a Neural ODE whose weight
// matrix flows on the orthogonal group by the isospectral (double-bracket) flow.
//   x₀ = Ω₁ s,  x_i = x_{i−1} + (1/N) |W_i x_{i−1} + b|,  a = Ω₂ x_N,
//   W_i = W_{i−1} · expm((1/N) [W_{i−1}ᵀ Q W_{i−1}, N_flow]),  [A, B] = AB − BA,
// with s the normalised observation. Parameters and their manifolds:
//   omega_in (n × d, Stiefel: Ω₁), output_frame (n × m, Stiefel: Ω₂ = output_frameᵀ),
//   flow_start (W₀, n × n, orthogonal), flow_q (Q) and flow_n (N_flow), symmetric n × n,
//   bias (b, n, free).
// [WᵀQW, N_flow] is skew-symmetric, so each W_i is exactly orthogonal up to rounding. The
// W_i depend on the parameters alone: derive() computes them once per parameter setting
// (the "flow" entry, (K, N, n, n)), and the export stores them.
class IsoOdeToOdePolicyImpl : public PolicyImpl {
 public:
  explicit IsoOdeToOdePolicyImpl(const IsoOdeToOdePolicyOptions& options,
                                 std::optional<at::Generator> generator = std::nullopt);

  // The main flow's states x₀, …, x_N (each (K, B, n)) for normalised observations
  // (K, B, d): the graph Lemma 4.1 is about.
  std::vector<torch::Tensor> hidden_states(const ParameterBatch& prepared, const torch::Tensor& observations) const;

  IsoOdeToOdePolicyOptions options;

 protected:
  ParameterBatch derive(const ParameterBatch& parameters) const override;
  torch::Tensor act(const ParameterBatch& prepared, const torch::Tensor& observations) const override;
  std::string torchscript_act() const override;
  std::string export_name() const override { return "IsoOdeToOdePolicy"; }
};
TORCH_MODULE(IsoOdeToOdePolicy);

}  // namespace diffctl
