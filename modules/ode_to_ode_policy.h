#pragma once

#include "modules/policy.h"

#include <ATen/core/Generator.h>

#include <optional>
#include <vector>

namespace diffctl {

// The ODEtoODE policies of ode-to-ode.md (sections 3, 5.1): a Neural ODE on the normalised
// observation whose weight matrix W_t flows on the orthogonal group,
//   x₀ = Ω₁ s,  x_i = x_{i−1} + (1/N) |W_i x_{i−1} + b|,  a = Ω₂ x_N,
//   W_i = W_{i−1} · expm((1/N) b_ψ(t_{i−1}, W_{i−1})),  t_i = i/N,
// with b_ψ skew-symmetric, so that every W_i is orthogonal up to rounding. The variants
// differ in b_ψ (IsoOdeToOdePolicy, GatedOdeToOdePolicy). Parameters common to both and
// their manifolds: omega_in (n × d, Stiefel: Ω₁) — or, when the flow is narrower than the
// observation (n < d, HalfCheetah's 17 with n = 16), input_frame (d × n, Stiefel:
// Ω₁ = input_frameᵀ, orthonormal rows) —, output_frame (n × m, Stiefel: Ω₂ = output_frameᵀ),
// flow_start (W₀, orthogonal), bias (b, free). The W_i depend on the
// parameters alone: derive() computes them once per parameter setting (the "flow" entry,
// (K, N, n, n)), and the export stores them.
class OdeToOdePolicyImpl : public PolicyImpl {
 public:
  // The main flow's states x₀, …, x_N (each (K, B, n)) for normalised observations
  // (K, B, d): the graph Lemma 4.1 is about.
  std::vector<torch::Tensor> hidden_states(const ParameterBatch& prepared, const torch::Tensor& observations) const;

  int64_t hidden_size() const { return hidden_size_; }
  int64_t flow_steps() const { return flow_steps_; }
  bool input_transposed() const { return hidden_size_ < observation_size(); }
  // Few: without autograd on the CPU in float64 a call costs about a microsecond per
  // observation and little else (ode_to_ode_act_cpu).
  int64_t lockstep_episodes() const override;

 protected:
  // Registers the common parameters, drawn from `generator` (Haar-like frames and W₀).
  OdeToOdePolicyImpl(int64_t observation_size, int64_t action_size, int64_t hidden_size, int64_t flow_steps,
                     const c10::optional<at::Generator>& generator);

  // W₁, …, W_N (K, N, n, n) for K parameter copies: orthogonal_flow from flow_start with
  // the variant's b_ψ.
  virtual torch::Tensor weight_flow(const ParameterBatch& parameters) const = 0;
  double flow_step() const { return 1.0 / static_cast<double>(flow_steps_); }

  ParameterBatch derive(const ParameterBatch& parameters) const override;
  torch::Tensor act(const ParameterBatch& prepared, const torch::Tensor& observations) const override;
  std::string torchscript_act() const override;

 private:
  int64_t hidden_size_;
  int64_t flow_steps_;
};

}  // namespace diffctl
