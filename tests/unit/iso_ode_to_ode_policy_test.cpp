// The ISO-ODEtoODE policy (ode-to-ode.md): an orthogonal weight flow, Lemma 4.1's gradient
// bounds, manifold declarations, batched copies and the TorchScript export.
#include "modules/iso_ode_to_ode_policy.h"
#include "src/error.h"
#include "src/seeding.h"
#include "src/stats/running_moments.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <cmath>

namespace diffctl {
namespace {

using testing::TensorsNear;

TEST(IsoOdeToOdePolicy, TheWeightFlowStaysOrthogonal) {
  for (int64_t steps : {25, 400}) {
    IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(8, 2).hidden_size(16).flow_steps(steps), make_generator(1));
    // Three copies with larger Q and N_flow than the initialisation, to stress the flow.
    auto flat = policy->flat_parameters().unsqueeze(0).repeat({3, 1});
    auto batch = policy->unflatten(flat);
    auto generator = make_generator(2);
    for (const char* name : {"flow_q", "flow_n"}) {
      const auto G = 3.0 * torch::randn({3, 16, 16}, generator, torch::kFloat64);
      batch[name].copy_(0.5 * (G + G.transpose(1, 2)));
    }
    const auto flow = policy->prepare(batch)["flow"];  // (3, N, 16, 16)
    ASSERT_EQ(flow.sizes(), (std::vector<int64_t>{3, steps, 16, 16}));
    const auto gram = flow.transpose(-1, -2).matmul(flow) - torch::eye(16, torch::kFloat64);
    EXPECT_LE(gram.abs().max().item<double>(), 1e-10) << steps << " steps";
    // The flow moves: W_N is far from W₀.
    EXPECT_GT((flow.select(1, steps - 1) - batch["flow_start"]).abs().max().item<double>(), 0.1);
  }
}

TEST(IsoOdeToOdePolicy, DeclaresItsManifoldsAndStartsOnThem) {
  IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(8, 2), make_generator(3));
  EXPECT_EQ(policy->manifold_of("omega_in"), Manifold::stiefel);
  EXPECT_EQ(policy->manifold_of("output_frame"), Manifold::stiefel);
  EXPECT_EQ(policy->manifold_of("flow_start"), Manifold::orthogonal);
  EXPECT_EQ(policy->manifold_of("flow_q"), Manifold::symmetric);
  EXPECT_EQ(policy->manifold_of("flow_n"), Manifold::symmetric);
  EXPECT_EQ(policy->manifold_of("bias"), Manifold::free);
  for (const char* name : {"omega_in", "output_frame", "flow_start"}) {
    const auto W = policy->named_parameters()[name];
    EXPECT_LE((W.t().matmul(W) - torch::eye(W.size(1), torch::kFloat64)).abs().max().item<double>(), 1e-12) << name;
  }
  EXPECT_EQ(policy->parameter_count(), 16 * 8 + 16 * 2 + 3 * 16 * 16 + 16);
}

// Lemma 4.1: with f = |·| every factor I + (1/N) diag(±1) W_i has singular values in
// [1 − 1/N, 1 + 1/N], so (1 − 1/N)^N ‖∂L/∂x_N‖ ≤ ‖∂L/∂x_t‖ ≤ e ‖∂L/∂x_N‖ for every t, by
// autograd through the main flow; for large N the bounds approach [1/e, e].
TEST(IsoOdeToOdePolicy, GradientNormsAlongTheFlowStayWithinLemma41sBounds) {
  for (int64_t steps : {25, 1000}) {
    IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(8, 2).hidden_size(16).flow_steps(steps), make_generator(4));
    auto generator = make_generator(5);
    const auto observations = torch::randn({1, 4, 8}, generator, torch::kFloat64);
    const auto states = policy->hidden_states(policy->prepare(policy->parameter_batch()), observations);
    const auto weights = torch::randn(states.back().sizes(), generator, torch::kFloat64);
    const auto loss = (states.back() * weights).sum();
    const auto grads = torch::autograd::grad({loss}, states);
    const double lower = std::pow(1.0 - 1.0 / steps, steps);
    for (int64_t example = 0; example < 4; ++example) {
      const double final_norm = grads.back()[0][example].norm().item<double>();
      double smallest = 1e300, largest = 0.0;
      for (const auto& grad : grads) {
        const double ratio = grad[0][example].norm().item<double>() / final_norm;
        smallest = std::min(smallest, ratio);
        largest = std::max(largest, ratio);
      }
      EXPECT_GE(smallest, lower * (1 - 1e-12)) << steps << " steps";
      EXPECT_LE(largest, std::exp(1.0)) << steps << " steps";
    }
  }
}

TEST(IsoOdeToOdePolicy, KBatchedCopiesEqualKSeparatePolicies) {
  IsoOdeToOdePolicy a(IsoOdeToOdePolicyOptions(5, 2).hidden_size(6), make_generator(6));
  IsoOdeToOdePolicy b(IsoOdeToOdePolicyOptions(5, 2).hidden_size(6), make_generator(7));
  auto generator = make_generator(8);
  const auto observations = torch::randn({2, 3, 5}, generator, torch::kFloat64);
  const auto batch = a->unflatten(torch::stack({a->flat_parameters(), b->flat_parameters()}));
  const auto actions = a->forward_batched(batch, observations);
  EXPECT_TRUE(TensorsNear(actions[0], a->forward(observations[0]), 1e-13, 1e-13));
  EXPECT_TRUE(TensorsNear(actions[1], b->forward(observations[1]), 1e-13, 1e-13));
}

TEST(IsoOdeToOdePolicy, ExportMatchesTheModuleInBothDtypesAndShapes) {
  IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(8, 2), make_generator(9));
  auto generator = make_generator(10);
  RunningMoments moments(8);
  const auto samples = 3.0 * torch::randn({50, 8}, generator, torch::kFloat64) + 1.0;
  for (int64_t i = 0; i < 50; ++i) moments.add(samples[i].data_ptr<double>());
  policy->normalizer()->merge(moments);
  auto exported = policy->to_torchscript();
  const auto batch = torch::randn({7, 8}, generator, torch::kFloat64);
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const auto input = batch.to(dtype);
    const auto expected = policy->forward(input);
    const auto got = exported.forward({input}).toTensor();
    EXPECT_EQ(got.scalar_type(), dtype);
    const double tolerance = dtype == torch::kFloat64 ? 1e-12 : 1e-5;
    EXPECT_TRUE(TensorsNear(got, expected, tolerance, tolerance));
    EXPECT_TRUE(TensorsNear(exported.forward({input[0]}).toTensor(), expected[0], tolerance, tolerance));
  }
}

TEST(IsoOdeToOdePolicy, RejectsAFlowNarrowerThanItsActions) {
  EXPECT_THROW(IsoOdeToOdePolicy(IsoOdeToOdePolicyOptions(4, 6).hidden_size(5)), InputError);
}

// A flow narrower than the observation (HalfCheetah's 17 into n = 16) embeds it with
// orthonormal rows, Ω₁ = input_frameᵀ, input_frame a Stiefel d × n; the export agrees.
TEST(IsoOdeToOdePolicy, ANarrowFlowEmbedsWithOrthonormalRows) {
  IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(17, 6).hidden_size(16), make_generator(11));
  EXPECT_EQ(policy->manifold_of("input_frame"), Manifold::stiefel);
  const auto frame = policy->named_parameters()["input_frame"];
  ASSERT_EQ(frame.sizes(), (std::vector<int64_t>{17, 16}));
  EXPECT_LE((frame.t().matmul(frame) - torch::eye(16, torch::kFloat64)).abs().max().item<double>(), 1e-12);
  auto generator = make_generator(12);
  const auto observations = torch::randn({1, 3, 17}, generator, torch::kFloat64);
  const auto states = policy->hidden_states(policy->prepare(policy->parameter_batch()), observations);
  EXPECT_TRUE(TensorsNear(states.front()[0], observations[0].matmul(frame), 1e-14, 1e-14));
  auto exported = policy->to_torchscript();
  EXPECT_TRUE(TensorsNear(exported.forward({observations[0]}).toTensor(), policy->forward(observations[0]), 1e-12, 1e-12));
}

}  // namespace
}  // namespace diffctl
