// Uses the installed umbrella header: the policy gradient at the Riccati gain vanishes.
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
  return gradient < 1e-9 && gap < 1e-9 ? 0 : 1;
}
