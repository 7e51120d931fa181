// The Neural ODE baselines of ode-to-ode.md section 5.1.2 against direct, one-observation
// evaluations of their definitions, and their parameter counts. (Batched copies and the
// export are checked with every policy in policy_test.)
#include "modules/mlp_policy.h"
#include "modules/neural_ode_policy.h"
#include "src/error.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace diffctl {
namespace {

using testing::TensorsNear;

// The action for one normalised observation s (d), computed from the definitions with
// plain matrix-vector products.
torch::Tensor direct_action(NeuralOdePolicyImpl& policy, const torch::Tensor& s) {
  auto p = policy.named_parameters();
  const int64_t n = policy.options.hidden_size(), N = policy.options.flow_steps();
  const double h = 1.0 / N;
  auto affine = [&](const std::string& weight, const std::string& bias, const torch::Tensor& x) {
    return p[weight].matmul(x) + p[bias];
  };
  torch::Tensor x = affine("embed_weight", "embed_bias", s);
  torch::Tensor w = policy.options.kind() == NeuralOdeKind::hypernet ? p["hyper_start"].clone() : torch::Tensor();
  for (int64_t i = 0; i < N; ++i) {
    const double t = static_cast<double>(i) / N;
    switch (policy.options.kind()) {
      case NeuralOdeKind::deep_resnet:
        x = x + torch::abs(p["layer_weight"][i].matmul(x) + p["layer_bias"][i]);
        break;
      case NeuralOdeKind::base_ode: {
        const auto z = torch::abs(affine("field_weight2", "field_bias2", torch::abs(affine("field_weight1", "field_bias1", x))));
        x = x + h * affine("field_weight3", "field_bias3", z);
        break;
      }
      case NeuralOdeKind::nanode: {
        const int64_t D = policy.options.degree();
        torch::Tensor W = p["trig_coefficients"][0].clone();
        for (int64_t k = 1; k <= D; ++k) {
          W += std::cos(2 * M_PI * k * t) * p["trig_coefficients"][k] + std::sin(2 * M_PI * k * t) * p["trig_coefficients"][D + k];
        }
        x = x + h * torch::abs(W.matmul(x) + p["main_bias"]);
        break;
      }
      case NeuralOdeKind::hypernet: {
        const auto W = w.view({n, n});
        x = x + h * torch::abs(W.matmul(x) + p["main_bias"]);
        const auto g = affine("hyper_weight3", "hyper_bias3",
                              torch::abs(affine("hyper_weight2", "hyper_bias2", torch::abs(affine("hyper_weight1", "hyper_bias1", w)))));
        w = w + h * g;
        break;
      }
    }
  }
  return affine("readout_weight", "readout_bias", x);
}

class NeuralOdeKindTest : public ::testing::TestWithParam<NeuralOdeKind> {};

TEST_P(NeuralOdeKindTest, ActsAsItsDefinitionSays) {
  NeuralOdePolicy policy(NeuralOdePolicyOptions(GetParam(), 5, 2).hidden_size(7).flow_steps(6).degree(2),
                         make_generator(1));
  auto generator = make_generator(2);
  const auto observations = torch::randn({4, 5}, generator, torch::kFloat64);
  torch::NoGradGuard no_grad;
  const auto actions = policy->forward(observations);  // identity normaliser
  for (int64_t b = 0; b < 4; ++b) {
    EXPECT_TRUE(TensorsNear(actions[b], direct_action(*policy, observations[b]), 1e-12)) << enum_name(kNeuralOdeKindNames, GetParam());
  }
  EXPECT_EQ(enum_value(kNeuralOdeKindNames, enum_name(kNeuralOdeKindNames, GetParam()), "kind"), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Kinds, NeuralOdeKindTest,
                         ::testing::Values(NeuralOdeKind::deep_resnet, NeuralOdeKind::base_ode, NeuralOdeKind::nanode,
                                           NeuralOdeKind::hypernet),
                         [](const auto& info) { return enum_name(kNeuralOdeKindNames, info.param); });

// The parameter counts on HalfCheetah (d = 17, m = 6) with h = 16, N = 25, as reported in
// the experiments: embedding (h d + h) and read-out (m h + m) plus each flow's own.
TEST(NeuralOdePolicy, CountsParametersAsThePaperDescribesThem) {
  const int64_t d = 17, m = 6, h = 16, N = 25, projections = h * d + h + m * h + m;
  auto count = [&](NeuralOdeKind kind) { return NeuralOdePolicy(NeuralOdePolicyOptions(kind, d, m))->parameter_count(); };
  EXPECT_EQ(count(NeuralOdeKind::deep_resnet), projections + N * (h * h + h));
  EXPECT_EQ(count(NeuralOdeKind::base_ode), projections + 3 * (h * h + h));
  EXPECT_EQ(count(NeuralOdeKind::nanode), projections + (2 * 5 + 1) * h * h + h);
  const int64_t s = 16;
  EXPECT_EQ(count(NeuralOdeKind::hypernet), projections + h * h + (s * h * h + s) + (s * s + s) + (h * h * s + h * h) + h);
  // DeepNet: 25 hidden layers of width h.
  EXPECT_EQ(MlpPolicy(MlpPolicyOptions(d, m).hidden_sizes(std::vector<int64_t>(25, h)))->parameter_count(),
            (h * d + h) + 24 * (h * h + h) + (m * h + m));
}

TEST(NeuralOdePolicy, RejectsBadOptions) {
  EXPECT_THROW(enum_value(kNeuralOdeKindNames, "ode", "kind"), InputError);
  EXPECT_THROW(NeuralOdePolicy(NeuralOdePolicyOptions(NeuralOdeKind::nanode, 3, 1).degree(-1)), InputError);
  EXPECT_THROW(NeuralOdePolicy(NeuralOdePolicyOptions(NeuralOdeKind::base_ode, 3, 1).flow_steps(0)), InputError);
}

}  // namespace
}  // namespace diffctl
