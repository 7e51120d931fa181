// Uses the installed umbrella header: the policy gradient at the Riccati gain vanishes,
// and the interior-point LCP solver and the LCS layer are reachable and agree with Lemke.
#include <diffctl/diffctl.h>

#include <iostream>

int main() {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const auto A = torch::tensor({{1.0, 0.1}, {0.0, 1.0}}, opts);
  const auto B = torch::tensor({{0.0}, {0.1}}, opts);
  const auto Q = torch::eye(2, opts), R = torch::eye(1, opts), Sigma = torch::eye(2, opts);
  const auto P = diffctl::reference::solve_dare(diffctl::to_eigen(A), diffctl::to_eigen(B),
                                                diffctl::to_eigen(Q), diffctl::to_eigen(R));
  diffctl::LinearPolicy policy(diffctl::LinearPolicyOptions(2, 1));
  {
    torch::NoGradGuard no_grad;
    policy->gain.copy_(diffctl::to_tensor(
        diffctl::reference::riccati_gain(diffctl::to_eigen(A), diffctl::to_eigen(B), diffctl::to_eigen(R), P)));
  }
  const diffctl::LqrSystems system{A.unsqueeze(0), B.unsqueeze(0), Q.unsqueeze(0), R.unsqueeze(0),
                                   Sigma.unsqueeze(0)};
  const auto cost = diffctl::lqr_cost(system, policy->gain).cost.sum();
  cost.backward();
  const double gradient = policy->gain.grad().abs().max().item<double>();
  const double gap = std::abs(cost.item<double>() - P.trace());
  std::cout << "cost " << cost.item<double>() << ", |grad| " << gradient << ", gap " << gap << std::endl;

  const auto F = torch::tensor({{2.0, 1.0}, {-1.0, 1.0}}, opts).unsqueeze(0);
  const auto q = torch::tensor({{-1.0, 0.5}}, opts).requires_grad_();
  diffctl::lcp::SolverOptions solver;
  solver.mu = 0.0;
  const diffctl::lcp::Solution solution = diffctl::lcp::solve(F, q, solver);
  const auto lemke = diffctl::lcp::solve_lemke(diffctl::to_eigen(F[0]), diffctl::to_eigen(q[0].detach().unsqueeze(-1)));
  const double lcp_error = (diffctl::to_eigen(solution.lambda[0].detach().unsqueeze(-1)) - lemke.lambda).norm();
  solution.lambda.sum().backward();
  diffctl::LCSLayer layer(diffctl::LCSLayerOptions(2, 1, 2).smoothing(diffctl::lcp::SmoothingMode::contact_aware));
  const diffctl::LCSStep step = layer->forward(torch::ones({3, 2}, opts), torch::ones({3, 1}, opts));
  std::cout << "lcp error " << lcp_error << ", converged " << solution.summary.converged.item<bool>()
            << ", LCS step " << step.next_state.sizes() << std::endl;
  const bool lcp_ok = lcp_error < 1e-9 && solution.summary.converged.item<bool>() && q.grad().defined() &&
                      step.next_state.size(0) == 3;
  return gradient < 1e-9 && gap < 1e-9 && lcp_ok ? 0 : 1;
}
