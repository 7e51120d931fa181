// The classifiers' hidden flows and the Riemannian optimizer: the flows' pieces against
// finite differences, orthogonality through training, Lemma 4.1's bounds, and the
// TorchScript export against the module.
#include "modules/euler_flow.h"
#include "modules/gate_networks.h"
#include "modules/hidden_flow_registry.h"
#include "modules/image_classifier.h"
#include "modules/neural_ode_flow.h"
#include "modules/ode_to_ode_flow.h"
#include "modules/orthogonal_flow.h"
#include "src/autograd/gradient_check.h"
#include "src/manifold/riemannian_optimizer.h"
#include "src/seeding.h"

#include <gtest/gtest.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>

#include <cmath>

namespace diffctl {
namespace {

torch::Tensor gaussian(std::vector<int64_t> shape, uint64_t seed, double scale = 1.0) {
  return (scale * torch::randn(shape, make_generator(seed), torch::kFloat64)).requires_grad_();
}

TEST(HiddenFlow, EulerFlowGradientsMatchFiniteDifferences) {
  // Per-step biases and one shared bias.
  for (const bool per_step : {true, false}) {
    const auto result = check_gradients(
        [](const std::vector<torch::Tensor>& v) { return absolute_euler_flow(v[0], v[1], v[2], 0.25).back(); },
        {gaussian({2, 3, 4}, 1), gaussian({2, 4, 4, 4}, 2, 0.5), per_step ? gaussian({2, 4, 4}, 3) : gaussian({2, 4}, 3)});
    EXPECT_TRUE(result.passed) << result.report;
  }
}

TEST(HiddenFlow, GatedOrthogonalFlowGradientsMatchFiniteDifferences) {
  // W₀ enters through its orthogonal polar factor, so the check moves along all directions.
  const auto result = check_gradients(
      [](const std::vector<torch::Tensor>& v) {
        const auto times = torch::arange(3, torch::kFloat64) / 3.0;
        const auto G = gated_matrices(v[1], v[2], v[3], v[4], times);
        return orthogonal_flow(v[0], G - G.transpose(-1, -2), 1.0 / 3.0);
      },
      {gaussian({1, 4, 4}, 4), gaussian({1, 2}, 5), gaussian({1, 2, 3}, 6), gaussian({1, 2, 3}, 7),
       gaussian({1, 2, 3, 4, 4}, 8, 0.3)});
  EXPECT_TRUE(result.passed) << result.report;
}

TEST(HiddenFlow, TrigonometricWeightsGradientsMatchFiniteDifferences) {
  const auto result = check_gradients(
      [](const std::vector<torch::Tensor>& v) { return trigonometric_weights(v[0], 5); }, {gaussian({2, 5, 3, 3}, 9)});
  EXPECT_TRUE(result.passed) << result.report;
}

// Each built-in flow, end to end through its module: the input gradient against central
// differences of forward() (the parameters' gradients reach them through the pieces above).
TEST(HiddenFlow, EveryFlowsInputGradientMatchesFiniteDifferences) {
  const std::vector<std::pair<std::string, nlohmann::json>> flows{{"dense", {{"depth", 2}}},
                                                                  {"node", {{"flow_steps", 3}}},
                                                                  {"nanode", {{"flow_steps", 3}, {"degree", 2}}},
                                                                  {"hypernet", {{"flow_steps", 3}, {"gates", 2}}},
                                                                  {"odetoode", {{"flow_steps", 3}, {"gates", 2}}}};
  for (const auto& [name, options] : flows) {
    auto flow = make_hidden_flow(name, options, 5, make_generator(3));
    const auto result = check_gradients([&](const std::vector<torch::Tensor>& v) { return flow->forward(v[0]); },
                                        {gaussian({4, 5}, 10)});
    EXPECT_TRUE(result.passed) << name << "\n" << result.report;
  }
}

// Lemma 4.1: with f = |·| and orthogonal W_i, ‖∂L/∂x_t‖ lies within [1/e, e]·‖∂L/∂x_T‖.
TEST(HiddenFlow, OdeToOdeGradientNormsStayWithinLemma41sBounds) {
  OdeToOdeFlow flow(OdeToOdeFlowOptions(16).flow_steps(20).gates(3), make_generator(11));
  // The classifier's flow: its weights, and the main flow they drive (the graph the lemma is about).
  const auto x = torch::randn({1, 8, 16}, make_generator(12), torch::kFloat64).requires_grad_();
  const auto states = absolute_euler_flow(x, flow->weights().unsqueeze(0), flow->bias.unsqueeze(0), 1.0 / 20);
  const auto loss = (states.back() * torch::randn({1, 8, 16}, make_generator(13), torch::kFloat64)).sum();
  const auto gradients = torch::autograd::grad({loss}, {states.begin(), states.end() - 1}, {}, true, false, true);
  const auto last = torch::autograd::grad({loss}, {states.back()}, {}, true)[0];
  for (size_t t = 0; t < gradients.size(); ++t) {
    for (int64_t b = 0; b < 8; ++b) {
      const double ratio = gradients[t][0][b].norm().item<double>() / last[0][b].norm().item<double>();
      EXPECT_GE(ratio, std::exp(-1.0)) << "state " << t;
      EXPECT_LE(ratio, std::exp(1.0)) << "state " << t;
    }
  }
}

double orthogonality_error(const torch::Tensor& W) {
  return (W.t().matmul(W) - torch::eye(W.size(0), W.options())).abs().max().item<double>();
}

// A small classifier on random labelled data: the Riemannian optimizers fit it (the loss
// falls) and keep W₀ orthogonal to 1e-10; torch::optim's Adam on the same problem drifts
// it off O(n) — the property the Riemannian step is for.
TEST(RiemannianOptimizer, KeepsTheFlowOrthogonalThroughTrainingWhereAdamDrifts) {
  const auto images = torch::rand({64, 784}, make_generator(20), torch::kFloat64);
  const auto labels = torch::randint(0, 10, {64}, make_generator(21), torch::kInt64);
  auto make = [] {
    return ImageClassifier(ImageClassifierOptions().width(16),
                           make_hidden_flow("odetoode", {{"flow_steps", 5}, {"gates", 2}}, 16, make_generator(22)),
                           make_generator(23));
  };
  auto loss_of = [&](ImageClassifier& model) {
    return torch::nn::functional::cross_entropy(model->forward(images), labels);
  };
  for (const auto kind : {RiemannianOptimizerKind::sgd, RiemannianOptimizerKind::adam}) {
    ImageClassifier model = make();
    RiemannianOptimizerOptions options;
    options.kind = kind;
    options.learning_rate = 1e-2;
    RiemannianOptimizer optimizer(model->manifold_parameters(), options);
    const double initial = loss_of(model).item<double>();
    for (int step = 0; step < 100; ++step) {
      optimizer.zero_grad();
      loss_of(model).backward();
      optimizer.step(options.learning_rate);
    }
    const auto start = model->flow().named_parameters()["flow_start"];
    EXPECT_LT(orthogonality_error(start), 1e-10) << enum_name(kRiemannianOptimizerKindNames, kind);
    EXPECT_LT(loss_of(model).item<double>(), 0.5 * initial) << enum_name(kRiemannianOptimizerKindNames, kind);
  }
  ImageClassifier model = make();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-2));
  for (int step = 0; step < 100; ++step) {
    adam.zero_grad();
    loss_of(model).backward();
    adam.step();
  }
  EXPECT_GT(orthogonality_error(model->flow().named_parameters()["flow_start"]), 1e-3);
}

// The exported classifier returns the module's logits for every accepted pixel layout and
// dtype, for every flow.
TEST(ImageClassifier, ExportGivesTheModulesLogitsForEveryInputLayout) {
  for (const std::string name : {"dense", "node", "nanode", "hypernet", "odetoode"}) {
    nlohmann::json options = name == "dense" ? nlohmann::json{{"depth", 2}} : nlohmann::json{{"flow_steps", 4}};
    ImageClassifier model(ImageClassifierOptions().width(8), make_hidden_flow(name, options, 8, make_generator(30)),
                          make_generator(31));
    torch::jit::Module exported = model->export_torchscript();
    const auto pixels = torch::rand({3, 28, 28}, make_generator(32), torch::kFloat64);
    const auto expected = model->forward(pixels);
    for (const auto& layout : {pixels, pixels.view({3, 1, 28, 28}), pixels.view({3, 784})}) {
      const auto logits = exported.forward({layout}).toTensor();
      ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{3, 10}));
      EXPECT_LT((logits - expected).abs().max().item<double>(), 1e-12) << name;
      const auto single = exported.forward({layout.to(torch::kFloat32)}).toTensor();
      EXPECT_LT((single - expected).abs().max().item<double>(), 1e-5) << name << " float32 pixels";
    }
  }
}

}  // namespace
}  // namespace diffctl
