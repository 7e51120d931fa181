#include "modules/gated_ode_to_ode_policy.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "modules/neural_ode_policy.h"
#include "modules/policy_registry.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"
#include "support/input_error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <vector>

namespace diffctl {
namespace {

using testing::input_error_of;

// The registry hands each policy its options and the generator: a policy built by name
// equals the one built from the options by hand with a generator of the same seed.
TEST(PolicyRegistry, BuildsEachBuiltInPolicyFromItsOptions) {
  const PolicySizes sizes{5, 2};
  auto by_name = [&](const std::string& name, const nlohmann::json& options) {
    return make_policy(name, options, sizes, make_generator(7))->flat_parameters();
  };
  auto expect_same = [](const torch::Tensor& registered, const torch::Tensor& direct, const std::string& name) {
    ASSERT_EQ(registered.numel(), direct.numel()) << name;
    EXPECT_TRUE(torch::equal(registered, direct)) << name;
  };
  expect_same(by_name("iso_ode_to_ode", {{"hidden_size", 6}, {"flow_steps", 4}}),
              IsoOdeToOdePolicy(IsoOdeToOdePolicyOptions(5, 2).hidden_size(6).flow_steps(4), make_generator(7))
                  ->flat_parameters(),
              "iso_ode_to_ode");
  expect_same(by_name("gated_ode_to_ode", {{"hidden_size", 4}, {"gates", 3}, {"gate_width", 5}}),
              GatedOdeToOdePolicy(GatedOdeToOdePolicyOptions(5, 2).hidden_size(4).gates(3).gate_width(5),
                                  make_generator(7))
                  ->flat_parameters(),
              "gated_ode_to_ode");
  expect_same(by_name("nanode", {{"hidden_size", 4}, {"degree", 2}}),
              NeuralOdePolicy(NeuralOdePolicyOptions(NeuralOdeKind::nanode, 5, 2).hidden_size(4).degree(2),
                              make_generator(7))
                  ->flat_parameters(),
              "nanode");
  expect_same(by_name("hypernet", {{"hypernet_width", 3}}),
              NeuralOdePolicy(NeuralOdePolicyOptions(NeuralOdeKind::hypernet, 5, 2).hypernet_width(3),
                              make_generator(7))
                  ->flat_parameters(),
              "hypernet");
  expect_same(by_name("mlp", {{"hidden_sizes", nlohmann::json::array({3})}}),
              MlpPolicy(MlpPolicyOptions(5, 2).hidden_sizes(std::vector<int64_t>{3}), make_generator(7))->flat_parameters(), "mlp");
  for (const char* name : {"deep_resnet", "base_ode"}) {
    expect_same(by_name(name, nlohmann::json::object()),
                NeuralOdePolicy(NeuralOdePolicyOptions(enum_value(kNeuralOdeKindNames, name, "policy"), 5, 2), make_generator(7))
                    ->flat_parameters(),
                name);
  }
  const auto linear = make_policy("linear", {{"observation_clip", 3.0}}, sizes);
  EXPECT_EQ(linear->parameter_count(), 10);
  EXPECT_EQ(std::dynamic_pointer_cast<LinearPolicyImpl>(linear)->options.observation_clip(), 3.0);
}

// Options a policy does not have, or out of range, and unknown names are input errors
// naming the key; a second registration under a taken name is refused.
TEST(PolicyRegistry, RejectsUnknownNamesAndKeysAndRegistersAProjectsPolicy) {
  const PolicySizes sizes{3, 1};
  EXPECT_EQ(input_error_of([&] { make_policy("mlp", {{"hidden_size", 8}}, sizes); }),
            "policy_options.hidden_size: unknown key (not a setting of this section)");
  EXPECT_NE(input_error_of([&] { make_policy("iso_ode_to_ode", {{"flow_steps", 0}}, sizes); })
                .find("policy_options.flow_steps: expected an integer >= 1"),
            std::string::npos);
  // degree is NANODE's alone.
  EXPECT_EQ(input_error_of([&] { make_policy("base_ode", {{"degree", 2}}, sizes, std::nullopt, "runs.a.policy_options"); }),
            "runs.a.policy_options.degree: unknown key (not a setting of this section)");
  EXPECT_NE(input_error_of([&] { make_policy("iso_odetoode", nlohmann::json::object(), sizes); })
                .find("policy: expected one of \"base_ode\", \"deep_resnet\", \"gated_ode_to_ode\", \"hypernet\", "
                      "\"iso_ode_to_ode\", \"linear\", \"mlp\", \"nanode\""),
            std::string::npos);

  register_policy("test_wide_linear", [](ConfigReader& options, const PolicySizes& given, std::optional<at::Generator>) {
    const double clip = options.number("clip", 1.0, 0.0);
    return LinearPolicy(LinearPolicyOptions(given.observation_size, given.action_size).observation_clip(clip)).ptr();
  });
  const auto registered = make_policy("test_wide_linear", {{"clip", 2.5}}, {4, 3});
  EXPECT_EQ(registered->parameter_count(), 12);
  EXPECT_EQ(std::dynamic_pointer_cast<LinearPolicyImpl>(registered)->options.observation_clip(), 2.5);
  EXPECT_EQ(input_error_of([&] { make_policy("test_wide_linear", {{"clips", 2.5}}, {4, 3}); }),
            "policy_options.clips: unknown key (not a setting of this section)");
  const auto names = policy_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "test_wide_linear"), names.end());
  EXPECT_THROW(register_policy("mlp", [](ConfigReader&, const PolicySizes&, std::optional<at::Generator>) {
                 return std::shared_ptr<PolicyImpl>();
               }),
               Error);
}

}  // namespace
}  // namespace diffctl
