// The ODEtoODE policies' inference kernel (ode_to_ode_act_cpu, taken without autograd on
// the CPU in float64) against their LibTorch graph (taken while gradients are recorded).
#include "modules/gated_ode_to_ode_policy.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "src/error.h"
#include "src/seeding.h"
#include "support/contract_error.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

// Three perturbed copies with a nonzero bias, four observations each, through both paths.
void expect_kernel_matches_graph(PolicyImpl& policy, uint64_t seed) {
  auto generator = make_generator(seed);
  const int64_t copies = 3, count = policy.parameter_count();
  const auto flat = (policy.flat_parameters().unsqueeze(0) + 0.02 * torch::randn({copies, count}, generator, torch::kFloat64))
                        .requires_grad_();
  const auto batch = policy.unflatten(flat);
  const auto observations = 2.0 * torch::randn({copies, 4, policy.observation_size()}, generator, torch::kFloat64);
  const auto graph = policy.forward_batched(batch, observations);
  torch::Tensor kernel;
  {
    torch::NoGradGuard no_grad;
    kernel = policy.forward_batched(batch, observations);
  }
  ASSERT_TRUE(graph.requires_grad());  // the graph path was taken
  ASSERT_FALSE(kernel.requires_grad());
  ASSERT_EQ(kernel.sizes(), graph.sizes());
  EXPECT_GT(graph.abs().max().item<double>(), 1e-3);
  EXPECT_TRUE(TensorsNear(kernel, graph.detach(), 1e-13, 1e-13));
}

TEST(OdeToOdeInference, KernelMatchesTheGraphForBothEmbeddings) {
  IsoOdeToOdePolicy wide(IsoOdeToOdePolicyOptions(5, 2).hidden_size(6), make_generator(1));
  expect_kernel_matches_graph(*wide, 2);
  IsoOdeToOdePolicy narrow(IsoOdeToOdePolicyOptions(17, 6).hidden_size(16), make_generator(3));
  ASSERT_TRUE(narrow->input_transposed());
  expect_kernel_matches_graph(*narrow, 4);
}

TEST(OdeToOdeInference, KernelMatchesTheGraphForTheGatedFlow) {
  GatedOdeToOdePolicy policy(GatedOdeToOdePolicyOptions(8, 2).hidden_size(8).flow_steps(40), make_generator(5));
  expect_kernel_matches_graph(*policy, 6);
}

TEST(OdeToOdeInference, RejectsObservationsThatDoNotFitTheCopies) {
  IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(5, 2).hidden_size(6), make_generator(7));
  torch::NoGradGuard no_grad;
  const auto batch = policy->parameter_batch();
  EXPECT_ANY_THROW(policy->forward_batched(batch, torch::zeros({1, 3, 4}, torch::kFloat64)));
  EXPECT_TRUE(testing::throws_contract_error(
      [&] { policy->forward_batched(batch, torch::zeros({2, 3, 5}, torch::kFloat64)); }));
}

}  // namespace
}  // namespace diffctl
