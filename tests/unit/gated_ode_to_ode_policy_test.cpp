// The Gated-ODEtoODE policy (ode-to-ode.md section 3.1): its generator against a direct
// evaluation of Σᵢ aᵢ (fᵢ(t) − fᵢ(t)ᵀ), an orthogonal weight flow, Lemma 4.1's bounds and its
// manifolds. (Batched copies and the export are checked with every policy in policy_test.)
#include "modules/gated_ode_to_ode_policy.h"
#include "src/error.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/linalg.h>

#include <cmath>

namespace diffctl {
namespace {

using testing::TensorsNear;

// fᵢ(t) = Σⱼ Mᵢⱼ |uᵢⱼ t + cᵢⱼ| evaluated entry by entry.
torch::Tensor direct_generator(GatedOdeToOdePolicyImpl& policy, double t) {
  auto p = policy.named_parameters();
  const int64_t g = policy.options.gates(), s = policy.options.gate_width(), n = policy.options.hidden_size();
  torch::Tensor b = torch::zeros({n, n}, torch::kFloat64);
  for (int64_t i = 0; i < g; ++i) {
    torch::Tensor f = torch::zeros({n, n}, torch::kFloat64);
    for (int64_t j = 0; j < s; ++j) {
      const double activation =
          std::abs(p["gate_in_weight"][i][j].item<double>() * t + p["gate_in_bias"][i][j].item<double>());
      f += activation * p["gate_out"][i][j];
    }
    b += p["gate_coefficients"][i].item<double>() * (f - f.t());
  }
  return b;
}

TEST(GatedOdeToOdePolicy, TheFlowFollowsTheGatedGeneratorAndStaysOrthogonal) {
  for (int64_t steps : {25, 400}) {
    GatedOdeToOdePolicy policy(GatedOdeToOdePolicyOptions(8, 2).flow_steps(steps).gates(3), make_generator(1));
    {
      torch::NoGradGuard no_grad;
      policy->named_parameters()["gate_out"].mul_(5.0);  // stress the flow
    }
    const auto flow = policy->prepare(policy->parameter_batch())["flow"].detach()[0];  // (N, n, n)
    const double h = 1.0 / steps;
    const auto W0 = policy->named_parameters()["flow_start"].detach();
    const auto W1 = W0.matmul(torch::linalg::matrix_exp(h * direct_generator(*policy, 0.0)));
    const auto W2 = W1.matmul(torch::linalg::matrix_exp(h * direct_generator(*policy, h)));
    EXPECT_TRUE(TensorsNear(flow[0], W1, 1e-12));
    EXPECT_TRUE(TensorsNear(flow[1], W2, 1e-12));
    const auto gram = flow.transpose(-1, -2).matmul(flow) - torch::eye(16, torch::kFloat64);
    EXPECT_LE(gram.abs().max().item<double>(), 1e-10) << steps << " steps";
    EXPECT_GT((flow[steps - 1] - W0).abs().max().item<double>(), 0.1);
  }
}

TEST(GatedOdeToOdePolicy, DeclaresItsManifoldsAndCountsItsParameters) {
  GatedOdeToOdePolicy policy(GatedOdeToOdePolicyOptions(8, 2).gates(2).gate_width(3), make_generator(2));
  EXPECT_EQ(policy->manifold_of("omega_in"), Manifold::stiefel);
  EXPECT_EQ(policy->manifold_of("output_frame"), Manifold::stiefel);
  EXPECT_EQ(policy->manifold_of("flow_start"), Manifold::orthogonal);
  for (const char* name : {"bias", "gate_coefficients", "gate_in_weight", "gate_in_bias", "gate_out"}) {
    EXPECT_EQ(policy->manifold_of(name), Manifold::free) << name;
  }
  EXPECT_EQ(policy->parameter_count(), 16 * 8 + 16 * 2 + 16 * 16 + 16 + 2 + 2 * (2 * 3) + 2 * 3 * 16 * 16);
  EXPECT_THROW(GatedOdeToOdePolicy(GatedOdeToOdePolicyOptions(8, 2).gates(0)), InputError);
}

// The main flow is ISO's, so Lemma 4.1 holds whatever the weight flow: every
// ‖∂L/∂x_t‖ / ‖∂L/∂x_N‖ lies in [(1 − 1/N)^N, e].
TEST(GatedOdeToOdePolicy, GradientNormsAlongTheFlowStayWithinLemma41sBounds) {
  for (int64_t steps : {25, 1000}) {
    GatedOdeToOdePolicy policy(GatedOdeToOdePolicyOptions(8, 2).flow_steps(steps), make_generator(3));
    auto generator = make_generator(4);
    const auto observations = torch::randn({1, 3, 8}, generator, torch::kFloat64);
    const auto states = policy->hidden_states(policy->prepare(policy->parameter_batch()), observations);
    const auto loss = (states.back() * torch::randn(states.back().sizes(), generator, torch::kFloat64)).sum();
    const auto grads = torch::autograd::grad({loss}, states);
    const double lower = std::pow(1.0 - 1.0 / steps, steps);
    for (int64_t example = 0; example < 3; ++example) {
      const double final_norm = grads.back()[0][example].norm().item<double>();
      for (const auto& grad : grads) {
        const double ratio = grad[0][example].norm().item<double>() / final_norm;
        EXPECT_GE(ratio, lower * (1 - 1e-12));
        EXPECT_LE(ratio, std::exp(1.0));
      }
    }
  }
}

}  // namespace
}  // namespace diffctl
