#include "modules/markov_reward_chain.h"

#include "src/error.h"
#include "src/implicit/implicit_function.h"

#include <torch/linalg.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

namespace diffctl {

void MarkovRewardChainOptions::validate() const {
  auto fail = [](const std::string& field, const std::string& expected, double found) {
    throw InputError("MarkovRewardChainOptions." + field + ": expected " + expected + ", got " +
                     std::to_string(found));
  };
  if (num_states() < 1) fail("num_states", "an integer >= 1", static_cast<double>(num_states()));
  if (num_actions() < 1) fail("num_actions", "an integer >= 1", static_cast<double>(num_actions()));
  if (!(eta() >= 0.0 && eta() < 1.0)) fail("eta", "a number in [0, 1)", eta());
  if (!(value_iteration_tolerance() > 0.0)) fail("value_iteration_tolerance", "a number > 0", value_iteration_tolerance());
  if (max_value_iterations() < 1) fail("max_value_iterations", "an integer >= 1", static_cast<double>(max_value_iterations()));
  if (!(soft_max_temperature() >= 0.0)) fail("soft_max_temperature", "a number >= 0", soft_max_temperature());
  gmres().validate();
}

namespace {

// What the layer's static functions need: the options, and where the backward reports.
struct ChainSolve {
  MarkovRewardChainOptions options;
  std::shared_ptr<ChainSolveReport> report;  // may be null: nobody asked
};

// Q(s, a) = w(s, a) + η Σ_j P(s, a, j) θ_j for rewards W (n, A) and probabilities P (n, A, n).
torch::Tensor action_values(const torch::Tensor& W, const torch::Tensor& P, const torch::Tensor& theta, double eta) {
  return W + eta * torch::matmul(P, theta);
}

// The Bellman map T(θ) over the actions: the value itself for one action.
torch::Tensor bellman(const torch::Tensor& Q, double temperature) {
  if (Q.size(-1) == 1) return Q.squeeze(-1);
  if (temperature > 0.0) return temperature * torch::logsumexp(Q / temperature, -1);
  return std::get<0>(Q.max(-1));
}

// P_π (n, n): the transitions of the maximising (soft-max) action at θ, so that ∂T/∂θ = η P_π.
torch::Tensor policy_transitions(const torch::Tensor& Q, const torch::Tensor& P, double temperature) {
  torch::Tensor weights;
  if (Q.size(-1) == 1) {
    weights = torch::ones_like(Q);
  } else if (temperature > 0.0) {
    weights = torch::softmax(Q / temperature, -1);
  } else {
    weights = torch::one_hot(Q.argmax(-1), Q.size(-1)).to(Q.scalar_type());
  }
  return (weights.unsqueeze(-1) * P).sum(-2);
}

struct ChainLayer {
  using Options = ChainSolve;

  // inputs: {W (n, A), F (n, A, n), warm start (n)}
  static ImplicitSolution solve(at::TensorList inputs, const ChainSolve& solve) {
    const torch::Tensor& W = inputs[0];
    const torch::Tensor P = torch::softmax(inputs[1], -1);
    const MarkovRewardChainOptions& s = solve.options;
    const int64_t n = W.size(0);
    torch::Tensor theta = inputs[2].clone();
    bool converged = false;
    int64_t iterations = 0;
    if (s.forward_solver() == ChainForwardSolver::value_iteration) {
      while (iterations < s.max_value_iterations() && !converged) {
        const torch::Tensor next = bellman(action_values(W, P, theta, s.eta()), s.soft_max_temperature());
        converged = (next - theta).abs().max().item<double>() <= s.value_iteration_tolerance();
        theta = next;
        ++iterations;
      }
    }
    // The LU of I − ηP_π at the returned θ serves the Newton steps and the direct backward;
    // with one action P_π does not depend on θ and is factored once.
    torch::Tensor transitions, lu, pivots;
    auto factor_at = [&](const torch::Tensor& Q) {
      transitions = policy_transitions(Q, P, s.soft_max_temperature());
      std::tie(lu, pivots) = torch::linalg_lu_factor(torch::eye(n, W.options()) - s.eta() * transitions);
    };
    if (s.forward_solver() == ChainForwardSolver::direct) {
      // Newton on T(θ) − θ = 0: θ ← θ + (I − ηP_π)⁻¹ (T(θ) − θ), exact in one step for one
      // action and policy iteration for the hard max; stops on a machine-precision residual.
      while (iterations < 100) {
        const torch::Tensor Q = action_values(W, P, theta, s.eta());
        const torch::Tensor residual = bellman(Q, s.soft_max_temperature()) - theta;
        if (!lu.defined() || W.size(1) > 1) factor_at(Q);
        converged = residual.abs().max().item<double>() <= 1e-12 * (1.0 + theta.abs().max().item<double>());
        if (converged) break;
        theta = theta + torch::linalg_lu_solve(lu, pivots, residual.unsqueeze(-1)).squeeze(-1);
        ++iterations;
      }
    }
    if (s.forward_solver() == ChainForwardSolver::value_iteration) {
      const torch::Tensor Q = action_values(W, P, theta, s.eta());
      if (s.backward_solver() == ChainBackwardSolver::direct) {
        factor_at(Q);
      } else {
        transitions = policy_transitions(Q, P, s.soft_max_temperature());  // GMRES needs no factorisation
      }
    }
    std::vector<torch::Tensor> saved{transitions};
    if (s.backward_solver() == ChainBackwardSolver::direct) {
      saved.push_back(lu);
      saved.push_back(pivots);
    }
    return {theta, saved,
            {torch::tensor(converged, torch::kBool), torch::tensor(iterations, torch::kLong)}};
  }

  static torch::Tensor residual(const torch::Tensor& theta, at::TensorList inputs, const ChainSolve& solve) {
    const MarkovRewardChainOptions& s = solve.options;
    return bellman(action_values(inputs[0], torch::softmax(inputs[1], -1), theta, s.eta()), s.soft_max_temperature()) - theta;
  }

  // ∂h/∂θ = −(I − ηP_π): v = −(I − ηP_π)⁻ᵀ ḡ.
  static torch::Tensor adjoint_solve(at::TensorList saved, const torch::Tensor& grad_theta, const ChainSolve& solve) {
    const torch::Tensor& transitions = saved[0];
    const MarkovRewardChainOptions& s = solve.options;
    auto report = [&](bool converged, int64_t iterations, double residual) {
      if (!solve.report) return;
      solve.report->backward_converged = converged;
      solve.report->backward_iterations = iterations;
      solve.report->backward_relative_residual = residual;
    };
    torch::Tensor u;
    torch::NoGradGuard no_grad;
    if (s.backward_solver() == ChainBackwardSolver::direct) {
      u = torch::linalg_lu_solve(saved[1], saved[2], grad_theta.unsqueeze(-1), /*left=*/true, /*adjoint=*/true)
              .squeeze(-1);
      const double scale = std::max(grad_theta.norm().item<double>(), 1e-300);
      const double residual =
          (u - s.eta() * torch::matmul(transitions.t(), u) - grad_theta).norm().item<double>() / scale;
      report(true, 0, residual);
    } else {
      // (I − ηP)ᵀ u as a row vector: u − η uᵀP, matrix-free in the factorisation sense.
      const GmresResult result = solve_gmres(
          [&](const torch::Tensor& v) { return v - s.eta() * torch::matmul(v, transitions); },
          grad_theta.unsqueeze(0), s.gmres());
      const bool converged = result.converged.item<bool>();
      const double residual = result.relative_residual.item<double>();
      const int64_t iterations = result.iterations.item<int64_t>();
      report(converged, iterations, residual);
      if (!converged) {
        throw Error("MarkovRewardChain backward: GMRES did not converge: relative residual " +
                    std::to_string(residual) + " after " + std::to_string(iterations) +
                    " matrix-vector products (tolerance " + std::to_string(s.gmres().tolerance) +
                    "); raise gmres.restart or gmres.max_restarts, or use the direct backward");
      }
      u = result.x.squeeze(0);
    }
    return -u;
  }
};

}  // namespace

MarkovRewardChainImpl::MarkovRewardChainImpl(const MarkovRewardChainOptions& options_, at::Generator generator)
    : options(options_) {
  options.validate();
  const int64_t n = options.num_states();
  const int64_t actions = options.num_actions();
  const auto float64 = torch::TensorOptions(torch::kFloat64);
  // Dirichlet(1) rows as normalised Exp(1) draws; the self-loop adds 2 before dividing by 3.
  const torch::Tensor exponential = -torch::log(torch::rand({n, actions, n}, generator, float64));
  const torch::Tensor dirichlet = exponential / exponential.sum(-1, true);
  const torch::Tensor probabilities =
      (dirichlet + 2.0 * torch::eye(n, float64).unsqueeze(1)) / 3.0;
  const torch::Tensor rewards = 0.1 * torch::randn({n, actions}, generator, float64);
  w = register_parameter("w", actions == 1 ? rewards.squeeze(-1) : rewards);
  F = register_parameter("F", actions == 1 ? torch::log(probabilities).squeeze(1) : torch::log(probabilities));
  warm_start = register_buffer("warm_start", torch::zeros({n}, float64));
}

torch::Tensor markov_reward_chain_values(const torch::Tensor& w, const torch::Tensor& F,
                                         const MarkovRewardChainOptions& options) {
  options.validate();
  const int64_t n = options.num_states();
  const int64_t actions = options.num_actions();
  const auto outputs = ImplicitFunction<ChainLayer>::apply(
      at::TensorList({w.reshape({n, actions}), F.reshape({n, actions, n}), torch::zeros({n}, w.options())}),
      ChainSolve{options, nullptr});
  return outputs[0];
}

torch::Tensor MarkovRewardChainImpl::transition_probabilities() { return torch::softmax(F, -1); }

torch::Tensor MarkovRewardChainImpl::forward() {
  const int64_t n = options.num_states();
  const int64_t actions = options.num_actions();
  // The warm start goes in as a copy: updating it leaves the saved tensors' versions alone.
  const auto outputs = ImplicitFunction<ChainLayer>::apply(
      at::TensorList({w.view({n, actions}), F.view({n, actions, n}), warm_start.clone()}), ChainSolve{options, report_});
  report_->forward_converged = outputs[1].item<bool>();
  report_->forward_iterations = outputs[2].item<int64_t>();
  {
    torch::NoGradGuard no_grad;
    warm_start.copy_(outputs[0]);
  }
  return outputs[0];
}

torch::Tensor MarkovRewardChainImpl::jacobian_gram(const torch::Tensor& theta) {
  if (options.num_actions() > 1 && options.soft_max_temperature() > 0.0) {
    throw InputError("MarkovRewardChain::jacobian_gram: expected one action or the hard max");
  }
  torch::NoGradGuard no_grad;
  const int64_t n = options.num_states();
  const int64_t actions = options.num_actions();
  const torch::Tensor probabilities = transition_probabilities().reshape({n, actions, n});
  const torch::Tensor Q = w.reshape({n, actions}) + options.eta() * torch::matmul(probabilities, theta);
  const torch::Tensor P = probabilities.gather(1, Q.argmax(-1).view({n, 1, 1}).expand({n, 1, n})).squeeze(1);
  const torch::Tensor spread = (P * P * (theta.unsqueeze(0) - torch::matmul(P, theta).unsqueeze(-1)).pow(2)).sum(-1);
  const torch::Tensor A_inverse = torch::linalg::inv(torch::eye(n, theta.options()) - options.eta() * P);
  const double eta = options.eta();
  return A_inverse.matmul((1.0 + eta * eta * spread).unsqueeze(-1) * A_inverse.t());
}

}  // namespace diffctl
