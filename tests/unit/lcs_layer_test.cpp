#include "data/lcs/random_lcp.h"
#include "modules/lcs_layer.h"
#include "modules/p_matrix_parameterization.h"
#include "src/autograd/gradient_check.h"
#include "src/error.h"
#include "src/lcp/lcs_dynamics.h"
#include "src/lcp/p_matrix.h"
#include "src/lcp/smoothing.h"
#include "src/seeding.h"
#include "support/command.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace diffctl {
namespace {

using lcp::SmoothingMode;
using testing::TensorsNear;

constexpr int64_t kStateDim = 3;
constexpr int64_t kInputDim = 2;
constexpr int64_t kContactDim = 3;

LCSMatrices random_matrices(at::Generator generator) {
  auto normal = [&](at::IntArrayRef shape) { return 0.5 * torch::randn(shape, generator, torch::kFloat64); };
  return {normal({kStateDim, kStateDim}), normal({kStateDim, kInputDim}), normal({kStateDim, kContactDim}),
          normal({kContactDim, kStateDim}), normal({kContactDim, kInputDim}),
          random_p_matrix_lcps(1, kContactDim, generator).F[0], normal({kStateDim}), normal({kContactDim})};
}

lcp::SmoothingOptions smoothing(SmoothingMode mode) {
  lcp::SmoothingOptions options;
  options.mode = mode;
  options.sigma = 0.3;
  options.samples = 8;
  return options;
}

// Acceptance: finite differences for every input (A, B, C, D, E, F, c, d, x, u, μ) in all
// smoothing modes with μ > 0, batched. The randomized mode reseeds its noise for every
// evaluation (common random numbers), which makes it a deterministic smooth function.
TEST(LcsLayerGradient, EveryInputMatchesFiniteDifferencesInEveryMode) {
  for (SmoothingMode mode : {SmoothingMode::exact, SmoothingMode::constant, SmoothingMode::contact_aware,
                             SmoothingMode::randomized}) {
    auto generator = make_generator(20);
    const LCSMatrices m = random_matrices(generator);
    const auto x = torch::randn({4, kStateDim}, generator, torch::kFloat64);
    const auto u = torch::randn({4, kInputDim}, generator, torch::kFloat64);
    const auto mu = torch::full({}, mode == SmoothingMode::exact ? 0.02 : 0.2, torch::kFloat64);
    std::vector<torch::Tensor> inputs{m.A, m.B, m.C, m.D, m.E, m.F, m.c, m.d, x, u, mu};
    for (auto& input : inputs) input = input.clone().requires_grad_();
    const auto options = smoothing(mode);
    const auto step = [&](const std::vector<torch::Tensor>& in) {
      torch::manual_seed(5);
      const LCSMatrices matrices{in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]};
      const LCSStep result = lcs_step(matrices, in[8], in[9], in[10], options);
      return torch::cat({result.next_state, result.lambda}, -1);
    };
    const auto check = check_gradients(step, inputs);
    EXPECT_TRUE(check.passed) << lcp::to_string(mode) << "\n" << check.report;
  }
}

// E_w[max(−(z + w), 0)] / F for w ~ N(0, σ²) by the trapezoid rule on ±12σ: the Gaussian-
// smoothed exact impulse, computed without the closed form.
double smoothed_impulse_by_quadrature(double z, double F, double sigma) {
  constexpr int kPoints = 200001;
  const double half_width = 12.0 * sigma;
  const double h = 2.0 * half_width / (kPoints - 1);
  double total = 0.0;
  for (int i = 0; i < kPoints; ++i) {
    const double w = -half_width + i * h;
    const double weight = (i == 0 || i == kPoints - 1) ? 0.5 : 1.0;
    total += weight * std::max(-(z + w), 0.0) * std::exp(-0.5 * w * w / (sigma * sigma));
  }
  return total * h / (std::sqrt(2.0 * M_PI) * sigma) / F;
}

// Propositions 4.1/4.2 in one dimension: the contact-aware λ(z) is the Gaussian-smoothed
// exact impulse, and randomized smoothing estimates the same curve.
TEST(ContactAwareSmoothing, OneDimensionalImpulseIsTheGaussianSmoothedExactImpulse) {
  const double F = 1.7;
  const double sigma = 0.3;
  const auto z = torch::linspace(-1.5, 1.5, 31, torch::kFloat64).unsqueeze(-1);
  const auto stiffness = torch::full({31, 1, 1}, F, torch::kFloat64);
  auto options = smoothing(SmoothingMode::contact_aware);
  options.sigma = sigma;
  options.solver.tolerance = 1e-13;
  const auto zero = torch::zeros({}, torch::kFloat64);
  const auto analytic = lcp::solve_smoothed(stiffness, z, zero, options);
  ASSERT_TRUE(analytic.summary.converged.all().item<bool>());
  options.mode = SmoothingMode::randomized;
  options.samples = 20000;
  torch::manual_seed(3);
  const auto randomized = lcp::solve_smoothed(stiffness, z, zero, options);
  for (int64_t i = 0; i < 31; ++i) {
    const double expected = smoothed_impulse_by_quadrature(z[i].item<double>(), F, sigma);
    EXPECT_NEAR(analytic.lambda[i].item<double>(), expected, 1e-8) << "z = " << z[i].item<double>();
    // Standard error of the Monte-Carlo mean ≤ σ/(F√N) ≈ 1.2e-3.
    EXPECT_NEAR(randomized.lambda[i].item<double>(), expected, 5e-3) << "z = " << z[i].item<double>();
  }
}

// "μ ≈ 0 away from contact, > 0 near it" (the paper's remark after Proposition 4.2).
TEST(ContactAwareSmoothing, CenteringVanishesAwayFromContactAndIsPositiveNearIt) {
  auto options = smoothing(SmoothingMode::contact_aware);
  options.sigma = 0.1;
  const auto stiffness = torch::full({5}, 2.0, torch::kFloat64);
  const auto z = torch::tensor({-2.0, -0.05, 0.0, 0.05, 2.0}, torch::kFloat64);
  const auto mu = lcp::contact_aware_centering(z, stiffness, options);
  EXPECT_LT(mu[0].item<double>(), 1e-12);  // deep in contact, z = −20σ
  EXPECT_LT(mu[4].item<double>(), 1e-12);  // far from contact, z = +20σ
  for (int64_t i = 1; i <= 3; ++i) EXPECT_GT(mu[i].item<double>(), 1e-4) << "z = " << z[i].item<double>();
  // Its largest value sits at the contact switch z = 0.
  const auto fine = torch::linspace(-1.0, 1.0, 2001, torch::kFloat64);
  const auto curve = lcp::contact_aware_centering(fine, torch::full({2001}, 2.0, torch::kFloat64), options);
  EXPECT_NEAR(fine[curve.argmax()].item<double>(), 0.0, 0.02);
}

TEST(PMatrix, RequirePMatrixChecksEveryPrincipalMinor) {
  const auto indefinite = torch::tensor({{1.0, 2.0}, {2.0, 1.0}}, torch::kFloat64);  // det = −3
  try {
    lcp::require_p_matrix(indefinite, "F");
    ADD_FAILURE() << "accepted a matrix with a negative minor";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("rows {0,1}"), std::string::npos) << error.what();
  }
  EXPECT_THROW(lcp::require_p_matrix(-torch::eye(2, torch::kFloat64), "F"), InputError);
  EXPECT_THROW(lcp::require_p_matrix(torch::full({2, 2}, std::nan(""), torch::kFloat64), "F"), InputError);
  // A non-symmetric P-matrix with an indefinite symmetric part is accepted.
  EXPECT_NO_THROW(lcp::require_p_matrix(torch::tensor({{1.0, -3.0}, {0.0, 1.0}}, torch::kFloat64), "F"));
}

// Every F the parameterization produces is a P-matrix, checked on explicit principal
// submatrices for random G and H.
TEST(PMatrix, ParameterizationAlwaysGivesPMatrices) {
  torch::manual_seed(4);
  for (int64_t trial = 0; trial < 50; ++trial) {
    const int64_t n = 1 + trial % 6;
    PMatrixParameterization parameterization(PMatrixParameterizationOptions(n).margin(0.01));
    torch::NoGradGuard no_grad;
    parameterization->G.copy_(3.0 * torch::randn({n, n}, torch::kFloat64));
    parameterization->H.copy_(3.0 * torch::randn({n, n}, torch::kFloat64));
    const auto F = parameterization->forward();
    for (int64_t mask = 1; mask < (int64_t{1} << n); ++mask) {
      std::vector<int64_t> rows;
      for (int64_t i = 0; i < n; ++i) {
        if ((mask >> i) & 1) rows.push_back(i);
      }
      const auto index = torch::tensor(rows, torch::kLong);
      const double minor = torch::linalg::det(F.index_select(0, index).index_select(1, index)).item<double>();
      ASSERT_GT(minor, 0.0) << "n = " << n << ", trial " << trial;
    }
  }
}

TEST(PMatrix, ParameterizationReproducesAGivenFAndRejectsOneOutsideItsFamily) {
  const auto F = random_p_matrix_lcps(1, 4, make_generator(21)).F[0];
  PMatrixParameterization parameterization(PMatrixParameterizationOptions(4).margin(0.1), F);
  EXPECT_TRUE(TensorsNear(parameterization->forward(), F, 1e-12));
  const auto outside = torch::tensor({{1.0, -3.0}, {0.0, 1.0}}, torch::kFloat64);
  EXPECT_THROW(PMatrixParameterization(PMatrixParameterizationOptions(2), outside), InputError);
}

// The layer's step against the LCS equations written out: z = Dx + Eu + d, λ ≥ 0,
// w = z + Fλ ≥ 0, λ ∘ w = μ, x⁺ = Ax + Bu + Cλ + c.
TEST(LcsLayer, FixedMatricesAreBuffersAndTheStepSolvesTheLcsEquations) {
  auto generator = make_generator(22);
  const LCSMatrices m = random_matrices(generator);
  LCSLayer layer(LCSLayerOptions(kStateDim, kInputDim, kContactDim)
                     .smoothing(SmoothingMode::constant)
                     .mu(0.1)
                     .learnable(false),
                 m);
  EXPECT_TRUE(layer->parameters().empty());
  EXPECT_EQ(layer->buffers().size(), 9u);  // the eight matrices and the base centering μ
  const auto x = torch::randn({5, kStateDim}, generator, torch::kFloat64);
  const auto u = torch::randn({5, kInputDim}, generator, torch::kFloat64);
  const LCSStep step = layer->forward(x, u);
  EXPECT_TRUE(step.summary.converged.all().item<bool>());
  const auto times = [](const torch::Tensor& matrix, const torch::Tensor& batch) { return batch.matmul(matrix.t()); };
  EXPECT_TRUE(TensorsNear(step.z, times(m.D, x) + times(m.E, u) + m.d, 1e-13));
  const auto w = step.z + times(m.F, step.lambda);
  EXPECT_GE(step.lambda.min().item<double>(), 0.0);
  EXPECT_GE(w.min().item<double>(), 0.0);
  EXPECT_TRUE(TensorsNear(step.lambda * w, torch::full({5, kContactDim}, 0.1, torch::kFloat64), 1e-8));
  EXPECT_TRUE(TensorsNear(step.next_state, times(m.A, x) + times(m.B, u) + times(m.C, step.lambda) + m.c, 1e-13));
}

TEST(LcsLayer, LearnableLayerTrainsEveryParameterAndSurvivesSaveAndLoad) {
  torch::manual_seed(6);
  LCSLayer layer(LCSLayerOptions(kStateDim, kInputDim, kContactDim)
                     .smoothing(SmoothingMode::contact_aware)
                     .learnable_mu(true)
                     .mu(0.01));
  const auto names = layer->named_parameters().keys();
  EXPECT_EQ(names, (std::vector<std::string>{"A", "B", "C", "D", "E", "c", "d", "mu", "F.G", "F.H"}));
  const auto x = torch::randn({6, kStateDim}, torch::kFloat64);
  const auto u = torch::randn({6, kInputDim}, torch::kFloat64);
  // d = −1 puts every contact in touch, so every parameter influences the step.
  {
    torch::NoGradGuard no_grad;
    layer->d.fill_(-1.0);
  }
  const LCSStep step = layer->forward(x, u);
  (step.next_state.pow(2).sum() + step.lambda.sum()).backward();
  for (const auto& parameter : layer->named_parameters()) {
    ASSERT_TRUE(parameter.value().grad().defined()) << parameter.key();
    EXPECT_GT(parameter.value().grad().abs().sum().item<double>(), 0.0) << parameter.key();
  }
  const std::string path = testing::scratch_dir("lcs_layer.pt");
  torch::save(layer, path);
  LCSLayer loaded(LCSLayerOptions(kStateDim, kInputDim, kContactDim)
                      .smoothing(SmoothingMode::contact_aware)
                      .learnable_mu(true)
                      .mu(0.5));
  torch::load(loaded, path);
  EXPECT_TRUE(TensorsNear(loaded->forward(x, u).next_state, step.next_state, 1e-14));
}

// Randomness comes from the generator the caller passes: the same seed gives the same
// initial matrices, and randomized smoothing resumed from a saved generator state draws
// exactly what the uninterrupted run drew.
TEST(LcsLayer, RandomnessComesFromTheCallersGeneratorSoResumedRunsMatch) {
  auto options = LCSLayerOptions(kStateDim, kInputDim, kContactDim).smoothing(SmoothingMode::randomized).samples(16);
  LCSLayer first(options, make_generator(5)), same(options, make_generator(5)), other(options, make_generator(6));
  EXPECT_TRUE(torch::equal(first->A, same->A));
  EXPECT_TRUE(torch::equal(first->E, same->E));
  EXPECT_FALSE(torch::equal(first->A, other->A));

  auto inputs = make_generator(7);
  const auto x = torch::randn({4, kStateDim}, inputs, torch::kFloat64);
  const auto u = torch::randn({4, kInputDim}, inputs, torch::kFloat64);
  auto uninterrupted = make_generator(8);
  std::vector<torch::Tensor> expected;
  torch::Tensor saved_state;
  for (int step = 0; step < 3; ++step) {
    if (step == 1) saved_state = generator_state(uninterrupted);
    expected.push_back(first->forward(x, u, uninterrupted).lambda.detach());
  }
  EXPECT_FALSE(torch::equal(expected[1], expected[2]));  // fresh noise every step
  auto resumed = make_generator(999);
  restore_generator_state(resumed, saved_state);
  for (int step = 1; step < 3; ++step) {
    EXPECT_TRUE(torch::equal(first->forward(x, u, resumed).lambda.detach(), expected[step])) << "step " << step;
  }
}

TEST(LcsLayer, RejectsBadMatricesAndOptions) {
  auto generator = make_generator(23);
  LCSMatrices m = random_matrices(generator);
  m.F = torch::tensor({{1.0, 2.0, 0.0}, {2.0, 1.0, 0.0}, {0.0, 0.0, 1.0}}, torch::kFloat64);
  EXPECT_THROW(LCSLayer(LCSLayerOptions(kStateDim, kInputDim, kContactDim).learnable(false), m), InputError);
  m = random_matrices(generator);
  m.D = torch::zeros({kContactDim, kStateDim + 1}, torch::kFloat64);
  EXPECT_THROW(LCSLayer(LCSLayerOptions(kStateDim, kInputDim, kContactDim), m), InputError);
  EXPECT_THROW(LCSLayer(LCSLayerOptions(kStateDim, kInputDim, kContactDim).smoothing(SmoothingMode::constant)),
               InputError);  // constant smoothing needs mu > 0
  EXPECT_THROW(LCSLayer(LCSLayerOptions(kStateDim, kInputDim, kContactDim).sigma(0.0)), InputError);
  EXPECT_THROW(enum_value(lcp::kSmoothingModeNames, "smooth", "smoothing"), InputError);
  LCSLayer layer(LCSLayerOptions(kStateDim, kInputDim, kContactDim));
  EXPECT_THROW(layer->forward(torch::zeros({2, kStateDim + 1}, torch::kFloat64),
                              torch::zeros({2, kInputDim}, torch::kFloat64)),
               InputError);
}

}  // namespace
}  // namespace diffctl
