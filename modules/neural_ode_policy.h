#pragma once

#include "modules/policy.h"
#include "src/config/enum_names.h"

#include <ATen/core/Generator.h>
#include <torch/arg.h>

#include <optional>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// The vector fields of the Neural ODE baselines of ode-to-ode.md section 5.1.2.
enum class NeuralOdeKind {
  deep_resnet,  // x_{l+1} = x_l + |W_l x_l + b_l|, L = flow_steps unshared layers (DeepResNet)
  base_ode,     // dx/dt = f(x), f a fully connected net with two hidden layers of width n (BaseODE)
  nanode,       // dx/dt = |W(t) x + b|, W(t)'s entries trigonometric polynomials of degree D (NANODE)
  hypernet,     // dx/dt = |W(t) x + b|, vec W(t) the state of a second ODE dw/dt = g(w) (HyperNet)
};
inline constexpr EnumNames<NeuralOdeKind, 4> kNeuralOdeKindNames{{{NeuralOdeKind::deep_resnet, "deep_resnet"},
                                                                   {NeuralOdeKind::base_ode, "base_ode"},
                                                                   {NeuralOdeKind::nanode, "nanode"},
                                                                   {NeuralOdeKind::hypernet, "hypernet"}}};
inline std::string to_string(NeuralOdeKind kind) { return enum_name(kNeuralOdeKindNames, kind); }

struct NeuralOdePolicyOptions {
  NeuralOdePolicyOptions(NeuralOdeKind kind, int64_t observation_size, int64_t action_size)
      : kind_(kind), observation_size_(observation_size), action_size_(action_size) {}
  TORCH_ARG(NeuralOdeKind, kind);
  TORCH_ARG(int64_t, observation_size);
  TORCH_ARG(int64_t, action_size);
  TORCH_ARG(int64_t, hidden_size) = 16;       // h, the width of the flow
  TORCH_ARG(int64_t, flow_steps) = 25;        // N Euler steps of 1/N over [0, 1] (layers for deep_resnet)
  TORCH_ARG(int64_t, degree) = 5;             // nanode: degree of the trigonometric polynomials
  TORCH_ARG(int64_t, hypernet_width) = 16;    // hypernet: hidden width of g (two layers)

 public:  // TORCH_ARG leaves the section private
  // Reads hidden_size, flow_steps, and degree (nanode) or hypernet_width (hypernet); the
  // sizes come from the environment.
  static NeuralOdePolicyOptions from_config(ConfigReader& reader, NeuralOdeKind kind, int64_t observation_size,
                                            int64_t action_size);
};

// A Neural ODE policy: a free linear map embeds the normalised observation, x₀ = A s + a₀; a
// flow of N Euler steps of 1/N over [0, 1] moves it (see NeuralOdeKind); a free linear map
// reads out the action, a = C x_N + c₀. Activations are |·|, as for the ODEtoODE policies.
// For the kinds whose weights depend on time alone (deep_resnet, nanode, hypernet) derive()
// computes the per-step weights once per parameter setting ("flow" (K, N, n, n) and
// "flow_bias" (K, N, n)), and the export stores them.
class NeuralOdePolicyImpl : public PolicyImpl {
 public:
  explicit NeuralOdePolicyImpl(const NeuralOdePolicyOptions& options,
                               std::optional<at::Generator> generator = std::nullopt);

  NeuralOdePolicyOptions options;

 protected:
  ParameterBatch derive(const ParameterBatch& parameters) const override;
  torch::Tensor act(const ParameterBatch& prepared, const torch::Tensor& observations) const override;
  std::string torchscript_act() const override;
  std::string export_name() const override;

 private:
  double step() const;  // the Euler step: 1/N, or 1 for the ResNet's layers
};
TORCH_MODULE(NeuralOdePolicy);

}  // namespace diffctl
