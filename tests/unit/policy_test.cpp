#include "modules/gated_ode_to_ode_policy.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "modules/neural_ode_policy.h"
#include "src/error.h"
#include "src/seeding.h"
#include "src/export/torchscript_export.h"
#include "src/stats/running_moments.h"
#include "support/command.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <functional>
#include <sstream>

namespace diffctl {
namespace {

using testing::TensorsNear;

RunningMoments moments_of(const torch::Tensor& samples) {
  RunningMoments moments(samples.size(1));
  const auto contiguous = samples.contiguous();
  for (int64_t i = 0; i < samples.size(0); ++i) moments.add(contiguous[i].data_ptr<double>());
  return moments;
}

torch::Tensor as_tensor(const std::vector<double>& values) { return torch::tensor(values, torch::kFloat64); }

TEST(RunningMoments, MergedPartsEqualTheWholeForRandomSplits) {
  torch::manual_seed(3);
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t rows = 2 + trial * 7, columns = 1 + trial % 5;
    const auto samples = torch::randn({rows, columns}, torch::kFloat64) * 3.0 + 10.0;
    const int64_t split = 1 + trial % (rows - 1);
    RunningMoments merged = moments_of(samples.narrow(0, 0, split));
    merged.merge(moments_of(samples.narrow(0, split, rows - split)));
    EXPECT_EQ(merged.count(), static_cast<double>(rows));
    EXPECT_TRUE(TensorsNear(as_tensor(merged.mean()), samples.mean(0), 1e-12));
    EXPECT_TRUE(TensorsNear(as_tensor(merged.variance()), samples.var(0, /*unbiased=*/false), 1e-10));
  }
}

TEST(ObservationNormalizer, IsTheIdentityUntilStatisticsAreMergedThenStandardises) {
  ObservationNormalizer normalizer(ObservationNormalizerOptions(3));
  const auto x = torch::randn({5, 3}, torch::kFloat64);
  EXPECT_TRUE(TensorsNear(normalizer->forward(x), x, 0.0));
  const auto data = torch::randn({200, 3}, torch::kFloat64) * torch::tensor({1.0, 5.0, 0.1}, torch::kFloat64) + 2.0;
  normalizer->merge(moments_of(data.narrow(0, 0, 120)));
  normalizer->merge(moments_of(data.narrow(0, 120, 80)));
  const auto expected = (x - data.mean(0)) / data.var(0, false).sqrt();
  EXPECT_TRUE(TensorsNear(normalizer->forward(x), expected, 1e-12));
}

TEST(ObservationNormalizer, ClipsAndLeavesConstantComponentsUnscaled) {
  ObservationNormalizer normalizer(ObservationNormalizerOptions(2).clip(1.5));
  auto data = torch::randn({50, 2}, torch::kFloat64);
  data.select(1, 1).fill_(4.0);  // zero variance
  normalizer->merge(moments_of(data));
  const auto x = torch::tensor({{100.0, 4.5}}, torch::kFloat64);
  const auto y = normalizer->forward(x);
  EXPECT_DOUBLE_EQ(y[0][0].item<double>(), 1.5);
  EXPECT_NEAR(y[0][1].item<double>(), 0.5, 1e-12);
}

TEST(LinearPolicy, ComputesMinusKx) {
  LinearPolicy policy(LinearPolicyOptions(3, 2));
  {
    torch::NoGradGuard no_grad;
    policy->gain.copy_(torch::tensor({{1.0, 0.0, 2.0}, {0.0, -1.0, 0.5}}, torch::kFloat64));
  }
  const auto states = torch::tensor({{1.0, 1.0, 1.0}, {2.0, 0.0, -2.0}}, torch::kFloat64);
  const auto expected = torch::tensor({{-3.0, 0.5}, {2.0, 1.0}}, torch::kFloat64);
  EXPECT_TRUE(TensorsNear(policy->forward(states), expected, 1e-15));
  EXPECT_EQ(policy->parameters().size(), 1u);
  EXPECT_EQ(policy->manifold_of("gain"), Manifold::free);
  EXPECT_THROW(policy->manifold_of("weight0"), Error);
}

// The MLP as written out by hand from its named parameters.
torch::Tensor mlp_by_hand(MlpPolicyImpl& policy, const torch::Tensor& x) {
  auto h = policy.normalizer()->forward(x);
  const int64_t layers = static_cast<int64_t>(policy.options.hidden_sizes().size()) + 1;
  for (int64_t layer = 0; layer < layers; ++layer) {
    const torch::Tensor weight = policy.named_parameters()["weight" + std::to_string(layer)];
    const torch::Tensor bias = policy.named_parameters()["bias" + std::to_string(layer)];
    h = h.matmul(weight.t()) + bias;
    if (layer + 1 < layers) h = policy.options.activation() == Activation::tanh ? h.tanh() : h.relu();
  }
  return policy.options.action_bound() > 0 ? policy.options.action_bound() * h.tanh() : h;
}

TEST(MlpPolicy, MatchesTheLayersWrittenOutAndKeepsShapeAndDtype) {
  for (const auto activation : {Activation::tanh, Activation::relu}) {
    MlpPolicy policy(MlpPolicyOptions(3, 2).hidden_sizes({5, 4}).activation(activation).action_bound(2.0),
                     make_generator(7));
    const auto x = torch::randn({6, 3}, torch::kFloat64);
    EXPECT_TRUE(TensorsNear(policy->forward(x), mlp_by_hand(*policy, x), 1e-14));
    const auto single = policy->forward(x[0].to(torch::kFloat32));
    EXPECT_EQ(single.sizes(), torch::IntArrayRef({2}));
    EXPECT_EQ(single.scalar_type(), torch::kFloat32);
    EXPECT_LE(policy->forward(x * 100).abs().max().item<double>(), 2.0);
    EXPECT_THROW(policy->forward(torch::zeros({2, 4}, torch::kFloat64)), InputError);
  }
}

TEST(MlpPolicy, SameGeneratorSeedSameWeights) {
  MlpPolicy a(MlpPolicyOptions(3, 1), make_generator(1));
  MlpPolicy b(MlpPolicyOptions(3, 1), make_generator(1));
  MlpPolicy c(MlpPolicyOptions(3, 1), make_generator(2));
  EXPECT_TRUE(torch::equal(a->flat_parameters(), b->flat_parameters()));
  EXPECT_FALSE(torch::equal(a->flat_parameters(), c->flat_parameters()));
}

// K copies in one batched call equal K policies each loaded with one copy.
// (Orthogonal parameters are perturbed off their manifolds here, as ES perturbations do.)
TEST(Policy, BatchedCopiesEqualSeparatePoliciesForEveryPolicy) {
  std::vector<std::function<std::shared_ptr<PolicyImpl>()>> makers{
      [] { return LinearPolicy(LinearPolicyOptions(3, 2)).ptr(); },
      [] { return MlpPolicy(MlpPolicyOptions(3, 2).hidden_sizes({6}), make_generator(4)).ptr(); },
      [] { return IsoOdeToOdePolicy(IsoOdeToOdePolicyOptions(3, 2).hidden_size(5).flow_steps(4)).ptr(); },
      [] { return GatedOdeToOdePolicy(GatedOdeToOdePolicyOptions(3, 2).hidden_size(5).flow_steps(4)).ptr(); }};
  for (auto kind : {NeuralOdeKind::deep_resnet, NeuralOdeKind::base_ode, NeuralOdeKind::nanode, NeuralOdeKind::hypernet}) {
    makers.push_back([kind] { return NeuralOdePolicy(NeuralOdePolicyOptions(kind, 3, 2).hidden_size(5).flow_steps(4)).ptr(); });
  }
  for (const auto& make : makers) {
    const auto policy = make();
    const int64_t copies = 4, count = policy->parameter_count();
    const auto flat = 0.3 * torch::randn({copies, count}, torch::kFloat64);
    const auto x = torch::randn({copies, 5, 3}, torch::kFloat64);
    const auto batched = policy->forward_batched(policy->unflatten(flat), x);
    ASSERT_EQ(batched.sizes(), torch::IntArrayRef({copies, 5, 2}));
    for (int64_t k = 0; k < copies; ++k) {
      const auto copy = make();
      copy->set_flat_parameters(flat[k]);
      EXPECT_TRUE(torch::equal(copy->flat_parameters(), flat[k]));
      EXPECT_TRUE(TensorsNear(batched[k], copy->forward(x[k]), 1e-13));
    }
  }
}

// action_clip bounds every path's actions (forward, K batched copies, the export) and
// leaves actions inside the bound as they were.
TEST(Policy, ActionClipBoundsEveryPathAndTheExport) {
  IsoOdeToOdePolicy policy(IsoOdeToOdePolicyOptions(3, 2).hidden_size(4), make_generator(9));
  const auto x = 4.0 * torch::randn({6, 3}, torch::kFloat64);
  const auto raw = policy->forward(x);
  ASSERT_GT(raw.abs().max().item<double>(), 1.0);  // something to clip
  policy->set_action_clip(1.0);
  const auto clipped = policy->forward(x);
  EXPECT_TRUE(torch::equal(clipped, raw.clamp(-1.0, 1.0)));
  const auto batched = policy->forward_batched(policy->parameter_batch(), x.unsqueeze(0))[0];
  EXPECT_TRUE(torch::equal(batched, clipped));
  auto exported = policy->to_torchscript();
  EXPECT_TRUE(TensorsNear(exported.forward({x}).toTensor(), clipped, 1e-12));
  EXPECT_THROW(policy->set_action_clip(-1.0), InputError);
}

struct ExportCase {
  std::string name;
  std::shared_ptr<PolicyImpl> policy;
};

std::vector<ExportCase> export_cases() {
  LinearPolicy linear(LinearPolicyOptions(4, 2).observation_clip(3.0));
  MlpPolicy mlp(MlpPolicyOptions(4, 2).hidden_sizes({8, 8}).action_bound(2.0), make_generator(5));
  torch::NoGradGuard no_grad;
  linear->gain.copy_(torch::randn({2, 4}, torch::kFloat64));
  const auto data = torch::randn({100, 4}, torch::kFloat64) * 2.0 + 1.0;
  linear->normalizer()->merge(moments_of(data));
  mlp->normalizer()->merge(moments_of(data));
  std::vector<ExportCase> cases{{"linear", linear.ptr()}, {"mlp", mlp.ptr()}};
  cases.push_back({"gated_ode_to_ode", GatedOdeToOdePolicy(GatedOdeToOdePolicyOptions(4, 2).hidden_size(6).flow_steps(5),
                                                           make_generator(6)).ptr()});
  for (auto kind : {NeuralOdeKind::deep_resnet, NeuralOdeKind::base_ode, NeuralOdeKind::nanode, NeuralOdeKind::hypernet}) {
    cases.push_back({to_string(kind),
                     NeuralOdePolicy(NeuralOdePolicyOptions(kind, 4, 2).hidden_size(6).flow_steps(5), make_generator(7)).ptr()});
  }
  for (auto& c : cases) {
    if (c.name != "linear" && c.name != "mlp") c.policy->normalizer()->merge(moments_of(data));
  }
  return cases;
}

// The same deterministic inputs in C++ and Python.
torch::Tensor export_inputs() { return torch::linspace(-3.0, 3.0, 5 * 4, torch::kFloat64).reshape({5, 4}); }

TEST(PolicyExport, TorchScriptActsLikeTheModuleForOneAndManyObservationsInBothDtypes) {
  for (const auto& [name, policy] : export_cases()) {
    const std::string path = ::testing::TempDir() + "policy_" + name + ".pt";
    save_script_module(policy->to_torchscript(), path);
    torch::jit::Module loaded = torch::jit::load(path);
    const auto x = export_inputs();
    for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
      const auto input = x.to(dtype);
      const auto exported = loaded.forward({input}).toTensor();
      EXPECT_EQ(exported.scalar_type(), dtype) << name;
      const double tolerance = dtype == torch::kFloat64 ? 1e-14 : 1e-5;
      EXPECT_TRUE(TensorsNear(exported, policy->forward(input), tolerance)) << name;
      const auto one = loaded.forward({input[2]}).toTensor();
      EXPECT_EQ(one.sizes(), torch::IntArrayRef({2})) << name;
      EXPECT_TRUE(TensorsNear(one, policy->forward(input)[2], tolerance)) << name;
    }
    std::filesystem::remove(path);
  }
}

TEST(PolicyExport, PythonTorchJitLoadGivesTheSameActions) {
  if (testing::run_command("/usr/bin/python3 -c 'import torch'").exit_code != 0) {
    GTEST_SKIP() << "python3-torch is not installed";
  }
  for (const auto& [name, policy] : export_cases()) {
    const std::string path = ::testing::TempDir() + "policy_python_" + name + ".pt";
    save_script_module(policy->to_torchscript(), path);
    const auto python = testing::run_command(
        "/usr/bin/python3 -c \"import torch; p = torch.jit.load('" + path +
        "'); x = torch.linspace(-3.0, 3.0, 20, dtype=torch.float64).reshape(5, 4); "
        "a = p(x); b = p(x[2].float()); assert b.dtype == torch.float32 and b.shape == (2,); "
        "print(' '.join(repr(v) for v in a.flatten().tolist()))\"");
    ASSERT_EQ(python.exit_code, 0) << python.err;
    std::istringstream values(python.out);
    std::vector<double> actions;
    for (double value; values >> value;) actions.push_back(value);
    const auto expected = policy->forward(export_inputs());
    ASSERT_EQ(static_cast<int64_t>(actions.size()), expected.numel()) << python.out;
    EXPECT_TRUE(TensorsNear(torch::tensor(actions, torch::kFloat64).view_as(expected), expected, 1e-14)) << name;
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace diffctl
