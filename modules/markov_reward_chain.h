#pragma once

#include "src/config/enum_names.h"
#include "src/linalg/gmres.h"

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace diffctl {

enum class ChainForwardSolver { value_iteration, direct };
inline constexpr EnumNames<ChainForwardSolver, 2> kChainForwardSolverNames{
    {{ChainForwardSolver::value_iteration, "value_iteration"}, {ChainForwardSolver::direct, "direct"}}};
enum class ChainBackwardSolver { direct, gmres };
inline constexpr EnumNames<ChainBackwardSolver, 2> kChainBackwardSolverNames{
    {{ChainBackwardSolver::direct, "direct"}, {ChainBackwardSolver::gmres, "gmres"}}};

struct MarkovRewardChainOptions {
  explicit MarkovRewardChainOptions(int64_t num_states) : num_states_(num_states) {}
  TORCH_ARG(int64_t, num_states);
  TORCH_ARG(int64_t, num_actions) = 1;
  TORCH_ARG(double, eta) = 0.9;  // the internal discount η ∈ [0, 1)
  TORCH_ARG(ChainForwardSolver, forward_solver) = ChainForwardSolver::value_iteration;
  TORCH_ARG(ChainBackwardSolver, backward_solver) = ChainBackwardSolver::direct;
  // Value iteration stops when max|θ_{k+1} − θ_k| ≤ tolerance (the paper: 1e-6, 5000).
  TORCH_ARG(double, value_iteration_tolerance) = 1e-6;
  TORCH_ARG(int64_t, max_value_iterations) = 5000;
  // Multi-action: 0 takes the hard max over actions, τ > 0 the soft max τ·log Σ exp(Q/τ).
  TORCH_ARG(double, soft_max_temperature) = 0.0;
  TORCH_ARG(GmresOptions, gmres) = {};

 public:  // TORCH_ARG leaves the struct in private
  void validate() const;  // InputError naming the option
};

// How the last forward solve and backward adjoint solve went.
struct ChainSolveReport {
  bool forward_converged = true;
  int64_t forward_iterations = 0;
  bool backward_converged = true;
  int64_t backward_iterations = 0;  // GMRES matrix-vector products (0 for the direct solve)
  double backward_relative_residual = 0.0;
};

// The implicit value estimator of implicit-value-estimators.md: the linear weights θ̂ are
// the values of a learned Markov reward chain with rewards w and transition logits F,
//   θ̂ = w + η σ(F) θ̂                         (one action: w (n), F (n, n)),
//   θ̂ = max_a (w_a + η σ(F_a) θ̂)             (A actions: w (n, A), F (n, A, n)),
// σ the row softmax. forward() solves without a graph (value iteration, or Newton's
// method with one LU per step — exact policy iteration for the hard max); the backward is
// the implicit function theorem through the shared helper: u = (I − ηP)⁻ᵀ ḡ with P the
// transition matrix of the maximising (or soft-max) action, by LU or restarted GMRES,
// then w̄ and F̄ by the vector-Jacobian product of the fixed-point residual (the softmax
// chain rule with G = η u θ̂ᵀ). An unconverged GMRES is an error, never ignored.
class MarkovRewardChainImpl : public torch::nn::Module {
 public:
  // Initialised as in the paper from `generator`: w = 0.1·N(0, 1) and each row of σ(F)
  // = (d + 2eᵢ)/3 with d ~ Dirichlet(1): a self-loop probability ≥ 2/3.
  MarkovRewardChainImpl(const MarkovRewardChainOptions& options, at::Generator generator);

  torch::Tensor forward();  // θ̂ (n)

  // σ(F) and the row-wise Bellman map, for tests and diagnostics.
  torch::Tensor transition_probabilities();
  // The last forward solve's figures, and the last backward's once it has run.
  const ChainSolveReport& report() const { return *report_; }
  // JJᵀ (n, n) of the map (w, F) ↦ θ̂ at the solution θ̂ (hard max or one action):
  // A⁻¹(I + η² diag(c))A⁻ᵀ with A = I − ηP, P the rows σ(F) of the maximising actions and
  // cₛ = Σⱼ Pₛⱼ²(θ̂ⱼ − (Pθ̂)ₛ)². Gradient descent on (w, F) moves θ̂ by −α JJᵀ∇θ (Theorem 1).
  torch::Tensor jacobian_gram(const torch::Tensor& theta);

  MarkovRewardChainOptions options;
  torch::Tensor w;
  torch::Tensor F;
  torch::Tensor warm_start;  // buffer: the last solution, where value iteration restarts

 private:
  // Shared with the autograd graphs of forward(): their backward writes its part.
  std::shared_ptr<ChainSolveReport> report_ = std::make_shared<ChainSolveReport>();
};
TORCH_MODULE(MarkovRewardChain);

// θ̂ of a chain with rewards w and logits F (shapes as above) without a module's state
// (no warm start, no report): the same solve and implicit backward, differentiable in w, F.
torch::Tensor markov_reward_chain_values(const torch::Tensor& w, const torch::Tensor& F,
                                         const MarkovRewardChainOptions& options);

}  // namespace diffctl
