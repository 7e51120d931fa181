#pragma once

#include "modules/hidden_flow.h"
#include "src/config/enum_names.h"

#include <ATen/core/Generator.h>
#include <torch/arg.h>

#include <optional>

namespace diffctl {

class ConfigReader;

// The Neural-ODE baselines of ode-to-ode.md section 5.2, each integrated on [0, 1] by N
// Euler steps of η = 1/N.
enum class NeuralOdeFlowKind {
  node,      // dx/dt = f(x), f fully connected with two hidden layers of width w (NODE)
  nanode,    // dx/dt = |W(t) x + b|, W(t)'s entries trigonometric polynomials of degree D (NANODE)
  hypernet,  // dx/dt = |W(t) x + b|, W(t) = Σᵢ aᵢ fᵢ(t) from g gate networks (gated HyperNet)
};
inline constexpr EnumNames<NeuralOdeFlowKind, 3> kNeuralOdeFlowKindNames{
    {{NeuralOdeFlowKind::node, "node"}, {NeuralOdeFlowKind::nanode, "nanode"}, {NeuralOdeFlowKind::hypernet, "hypernet"}}};

struct NeuralOdeFlowOptions {
  NeuralOdeFlowOptions(NeuralOdeFlowKind kind, int64_t width) : kind_(kind), width_(width) {}
  TORCH_ARG(NeuralOdeFlowKind, kind);
  TORCH_ARG(int64_t, width);
  TORCH_ARG(int64_t, flow_steps) = 100;
  TORCH_ARG(int64_t, degree) = 1;      // nanode: D
  TORCH_ARG(int64_t, gates) = 1;       // hypernet: g
  TORCH_ARG(int64_t, gate_width) = 2;  // hypernet: s

 public:  // TORCH_ARG leaves the section private
  // Reads flow_steps, and degree (nanode) or gates and gate_width (hypernet).
  static NeuralOdeFlowOptions from_config(ConfigReader& reader, NeuralOdeFlowKind kind, int64_t width);
};

// W(t_i) = A₀ + Σ_k A_k cos(2πk t_i) + B_k sin(2πk t_i) at t_i = i/N, i < N, for
// coefficients (K, 2D + 1, n, n) ordered A₀, A₁…A_D, B₁…B_D: (K, N, n, n). NANODE's weights,
// for the classifier's flow and the NANODE policy alike.
torch::Tensor trigonometric_weights(const torch::Tensor& coefficients, int64_t steps);

class NeuralOdeFlowImpl : public HiddenFlowImpl {
 public:
  explicit NeuralOdeFlowImpl(const NeuralOdeFlowOptions& options, std::optional<at::Generator> generator = std::nullopt);

  torch::Tensor forward(const torch::Tensor& x) override;
  std::string export_to(torch::jit::Module& module) const override;
  // nanode and hypernet: W(t_i) (N, w, w).
  torch::Tensor weights() const;

  NeuralOdeFlowOptions options;

 private:
  double step() const { return 1.0 / static_cast<double>(options.flow_steps()); }
  torch::Tensor parameter(const std::string& name) const { return named_parameters(false)[name]; }
};
TORCH_MODULE(NeuralOdeFlow);

}  // namespace diffctl
