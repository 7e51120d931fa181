#include "modules/linear_policy.h"
#include "src/export/torchscript_export.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>

namespace diffctl {
namespace {

TEST(LinearPolicy, ComputesMinusKx) {
  LinearPolicy policy(LinearPolicyOptions(3, 2));
  {
    torch::NoGradGuard no_grad;
    policy->gain.copy_(torch::tensor({{1.0, 0.0, 2.0}, {0.0, -1.0, 0.5}}, torch::kFloat64));
  }
  const auto states = torch::tensor({{1.0, 1.0, 1.0}, {2.0, 0.0, -2.0}}, torch::kFloat64);
  const auto expected = torch::tensor({{-3.0, 0.5}, {2.0, 1.0}}, torch::kFloat64);
  EXPECT_TRUE(testing::TensorsNear(policy->forward(states), expected, 1e-15));
  EXPECT_EQ(policy->parameters().size(), 1u);
}

TEST(LinearPolicy, TorchScriptExportLoadsBackAndActsTheSame) {
  LinearPolicy policy(LinearPolicyOptions(4, 1));
  {
    torch::NoGradGuard no_grad;
    policy->gain.copy_(torch::randn({1, 4}, torch::kFloat64));
  }
  const std::string path = ::testing::TempDir() + "linear_policy.pt";
  save_script_module(policy->to_torchscript(), path);
  ASSERT_FALSE(std::filesystem::exists(path + ".tmp"));
  torch::jit::Module loaded = torch::jit::load(path);
  const auto states = torch::randn({16, 4}, torch::kFloat64);
  const auto actions = loaded.forward({states}).toTensor();
  EXPECT_TRUE(testing::TensorsNear(actions, policy->forward(states), 1e-15));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace diffctl
