#include "src/error.h"
#include "src/manifold/manifold.h"
#include "src/manifold/manifold_optimizer.h"
#include "src/parallel/communicator.h"
#include "src/zeroth_order/gradient_estimator.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace diffctl {
namespace {

using testing::TensorsNear;

// F(θ) = ½θᵀAθ + bᵀθ, ∇F = Aθ + b.
struct Quadratic {
  torch::Tensor A, b;
  explicit Quadratic(int64_t dimension) {
    torch::manual_seed(5);
    const auto M = torch::randn({dimension, dimension}, torch::kFloat64);
    A = M.matmul(M.t()) + torch::eye(dimension, torch::kFloat64);
    b = torch::randn({dimension}, torch::kFloat64);
  }
  double operator()(const torch::Tensor& x) const { return (0.5 * x.dot(A.mv(x)) + b.dot(x)).item<double>(); }
  torch::Tensor gradient(const torch::Tensor& x) const { return A.mv(x) + b; }
};

// On a quadratic every estimator is unbiased: the mean of N single-direction estimates
// is within 5 standard errors (sd/√N per component) of the true gradient.
TEST(GradientEstimator, TwoPointOnePointAndEsAreUnbiasedOnAQuadratic) {
  const Quadratic F(6);
  const auto theta = torch::linspace(-1.0, 1.0, 6, torch::kFloat64);
  const auto truth = F.gradient(theta);
  const auto objective = evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, 1);
  for (const auto kind : {EstimatorKind::two_point, EstimatorKind::one_point, EstimatorKind::antithetic_es}) {
    GradientEstimatorOptions options;
    options.kind = kind;
    options.radius = 0.1;
    options.directions = 1;
    options.seed = 3;
    const GradientEstimator estimator(options);
    const int64_t draws = kind == EstimatorKind::one_point ? 80000 : 4000;  // one-point: F(θ)·U makes it noisy
    std::vector<torch::Tensor> estimates;
    for (int64_t i = 0; i < draws; ++i) estimates.push_back(estimator.estimate(objective, theta, i).gradient);
    const auto all = torch::stack(estimates);
    const auto standard_error = all.std(0) / std::sqrt(static_cast<double>(draws));
    const auto error = (all.mean(0) - truth).abs();
    EXPECT_TRUE((error <= 5.0 * standard_error).all().item<bool>())
        << to_string(kind) << "\nerror " << error << "\nstandard error " << standard_error;
    // The tolerance is meaningful: far below the gradient's own size.
    EXPECT_LT(standard_error.max().item<double>(), 0.2 * truth.abs().max().item<double>()) << to_string(kind);
  }
}

TEST(GradientEstimator, DirectionsAreUnitForSpheresAndDependOnlyOnSeedAndIndex) {
  GradientEstimatorOptions options;
  options.directions = 5;
  options.seed = 9;
  const GradientEstimator sphere(options);
  const auto U = sphere.directions(7, 4);
  EXPECT_TRUE(TensorsNear(U.norm(2, 1), torch::ones({5}, torch::kFloat64), 1e-14));
  EXPECT_TRUE(torch::equal(U, GradientEstimator(options).directions(7, 4)));
  EXPECT_FALSE(torch::equal(U, sphere.directions(7, 5)));
}

// A pair with a non-finite value is dropped and counted; the estimate stays finite.
TEST(GradientEstimator, NonFiniteValuesDropTheirDirectionsNeverTheEstimate) {
  const Quadratic F(4);
  const auto theta = torch::zeros({4}, torch::kFloat64);
  const auto objective = evaluate_in_parallel(
      [&](const torch::Tensor& x, uint64_t) { return x[0].item<double>() > 0.05 ? std::numeric_limits<double>::infinity() : F(x); }, 2);
  GradientEstimatorOptions options;
  options.directions = 64;
  options.radius = 0.1;
  const auto estimate = GradientEstimator(options).estimate(objective, theta, 0);
  EXPECT_GT(estimate.dropped_directions, 0);
  EXPECT_GT(estimate.used_directions, 0);
  EXPECT_EQ(estimate.used_directions + estimate.dropped_directions, 64);
  EXPECT_EQ(estimate.evaluations, 128);
  EXPECT_TRUE(torch::isfinite(estimate.gradient).all().item<bool>());
  const auto nothing = GradientEstimator(options).estimate(
      evaluate_in_parallel([](const torch::Tensor&, uint64_t) { return std::nan(""); }, 1), theta, 0);
  EXPECT_EQ(nothing.used_directions, 0);
  EXPECT_TRUE(torch::equal(nothing.gradient, torch::zeros({4}, torch::kFloat64)));
}

TEST(GradientEstimator, RankShapingIsInvariantToMonotoneTransformsAndTopBKeepsTheBestDirections) {
  const Quadratic F(5);
  const auto theta = torch::full({5}, 0.3, torch::kFloat64);
  GradientEstimatorOptions options;
  options.kind = EstimatorKind::antithetic_es;
  options.directions = 10;
  options.rank_shaping = true;
  const GradientEstimator shaped(options);
  const auto plain = shaped.estimate(evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, 1), theta, 2);
  const auto monotone =
      shaped.estimate(evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return std::exp(F(x) / 10.0); }, 1), theta, 2);
  EXPECT_TRUE(TensorsNear(plain.gradient, monotone.gradient, 1e-15));

  options.rank_shaping = false;
  options.top_directions = 1;
  const GradientEstimator top(options);
  const auto best = top.estimate(evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, 1), theta, 2);
  const auto eps = top.directions(5, 2);
  int64_t winner = 0;
  double winner_value = -1e300, plus_value = 0, minus_value = 0;
  for (int64_t i = 0; i < 10; ++i) {
    const double plus = F(theta + options.radius * eps[i]), minus = F(theta - options.radius * eps[i]);
    if (std::max(plus, minus) > winner_value) {
      winner_value = std::max(plus, minus);
      winner = i;
      plus_value = plus;
      minus_value = minus;
    }
  }
  EXPECT_EQ(best.used_directions, 1);
  EXPECT_TRUE(TensorsNear(best.gradient, (plus_value - minus_value) / (2 * options.radius) * eps[winner], 1e-12));
}

// The same seed gives the same θ whether F is evaluated on 1 or 2 threads.
TEST(ZerothOrderDescent, SameSeedSameThetaWithOneAndTwoThreadsAndItConverges) {
  const Quadratic F(4);
  const auto optimum = -torch::linalg::solve(F.A, F.b, true);
  ParameterLayout layout;
  layout.add("theta", {4}, Manifold::free);
  GradientEstimatorOptions estimator_options;
  estimator_options.directions = 8;
  estimator_options.radius = 0.01;
  estimator_options.seed = 4;
  const GradientEstimator estimator(estimator_options);
  auto run = [&](int64_t threads) {
    ManifoldOptimizerOptions options;
    options.step_size = 0.02;
    ManifoldOptimizer optimizer(layout, options);
    auto theta = torch::zeros({4}, torch::kFloat64);
    const auto objective = evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, threads);
    for (int64_t step = 0; step < 400; ++step) theta = optimizer.step(theta, estimator.estimate(objective, theta, step).gradient);
    return theta;
  };
  const auto one = run(1);
  EXPECT_TRUE(torch::equal(one, run(2)));
  EXPECT_LT((one - optimum).norm().item<double>(), 0.05 * optimum.norm().item<double>());
}

// Maximising tr(CᵀW) over orthogonal W: plain Riemannian ascent reaches the polar factor
// of C; Adam (per element on the estimate, then projected) climbs too; both stay
// orthogonal, and the free block beside W takes ordinary steps.
TEST(ManifoldOptimizer, RiemannianAscentOnTheOrthogonalGroupReachesThePolarFactor) {
  torch::manual_seed(8);
  auto C = torch::randn({4, 4}, torch::kFloat64);
  if (torch::linalg::det(C).item<double>() < 0) C.select(1, 0).neg_();  // the maximiser lies in SO(4), with W₀ = I
  const auto polar = project_to_manifold(Manifold::orthogonal, C);
  ParameterLayout layout;
  layout.add("bias", {2}, Manifold::free);
  layout.add("W", {4, 4}, Manifold::orthogonal);
  const auto gradient = torch::cat({torch::ones({2}, torch::kFloat64), C.reshape({-1})});  // ∇ of Σ bias + tr(CᵀW)
  for (const auto kind : {ManifoldOptimizerKind::plain, ManifoldOptimizerKind::adam}) {
    ManifoldOptimizerOptions options;
    options.kind = kind;
    options.maximize = true;
    options.step_size = 0.01;
    ManifoldOptimizer optimizer(layout, options);
    auto theta = torch::cat({torch::zeros({2}, torch::kFloat64), torch::eye(4, torch::kFloat64).reshape({-1})});
    const double start = C.trace().item<double>();
    for (int step = 0; step < 3000; ++step) theta = optimizer.step(theta, gradient);
    const auto W = theta.narrow(0, 2, 16).view({4, 4});
    EXPECT_LT((W.t().matmul(W) - torch::eye(4, torch::kFloat64)).abs().max().item<double>(), 1e-10);
    const double value = (C * W).sum().item<double>();
    EXPECT_GT(value, start);
    if (kind == ManifoldOptimizerKind::plain) {
      EXPECT_TRUE(TensorsNear(W, polar, 1e-6));
      EXPECT_NEAR(theta[0].item<double>(), 30.0, 1e-9);  // 3000 steps of 0.01
    } else {
      EXPECT_GT(value, start + 0.5 * ((C * polar).sum().item<double>() - start));
      EXPECT_GT(theta[0].item<double>(), 29.0);  // Adam's steps of ~step_size
    }
  }
}

// A decaying step moves step t (from 0) by step_size / sqrt(1 + t / T), and a save and load
// between steps continues the schedule where it stopped; T = 0 keeps the step constant and a
// negative T is bad input.
TEST(ManifoldOptimizer, DecayingStepFollowsItsScheduleAcrossASaveAndLoad) {
  ParameterLayout layout;
  layout.add("x", {1}, Manifold::free);
  const auto gradient = torch::ones({1}, torch::kFloat64);
  ManifoldOptimizerOptions options;
  options.maximize = true;
  options.step_size = 0.1;
  options.decay_steps = 4;
  double expected = 0.0;
  for (int t = 0; t < 10; ++t) expected += 0.1 / std::sqrt(1.0 + t / 4.0);

  ManifoldOptimizer first(layout, options);
  auto theta = torch::zeros({1}, torch::kFloat64);
  for (int t = 0; t < 5; ++t) theta = first.step(theta, gradient);
  torch::serialize::OutputArchive saved;
  first.save(saved);
  std::stringstream stream;
  saved.save_to(stream);
  torch::serialize::InputArchive loaded;
  loaded.load_from(stream);
  ManifoldOptimizer resumed(layout, options);
  resumed.load(loaded);
  EXPECT_DOUBLE_EQ(resumed.current_step_size(), 0.1 / std::sqrt(1.0 + 5.0 / 4.0));
  for (int t = 5; t < 10; ++t) theta = resumed.step(theta, gradient);
  EXPECT_NEAR(theta.item<double>(), expected, 1e-12);
  EXPECT_LT(theta.item<double>(), 0.1 * 10 - 0.2);  // decayed: well short of ten full steps

  options.decay_steps = 0;
  ManifoldOptimizer constant(layout, options);
  theta = torch::zeros({1}, torch::kFloat64);
  for (int t = 0; t < 10; ++t) theta = constant.step(theta, gradient);
  EXPECT_NEAR(theta.item<double>(), 1.0, 1e-12);

  options.decay_steps = -1;
  EXPECT_THROW(ManifoldOptimizer(layout, options), InputError);
}

// A noisy F gets one seed per direction, shared by the two points of a pair, so its noise
// cancels in F(θ + rU) − F(θ − rU): with F(θ) = quadratic + noise(seed) the two-point
// estimate equals the noiseless one.
TEST(GradientEstimator, PairsShareTheirEvaluationSeed) {
  const Quadratic F(3);
  const auto theta = torch::ones({3}, torch::kFloat64);
  GradientEstimatorOptions options;
  options.directions = 6;
  const GradientEstimator estimator(options);
  const auto noisy = estimator.estimate(
      evaluate_in_parallel([&](const torch::Tensor& x, uint64_t seed) { return F(x) + static_cast<double>(seed % 1000); }, 2),
      theta, 1);
  const auto clean = estimator.estimate(evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, 1), theta, 1);
  EXPECT_TRUE(TensorsNear(noisy.gradient, clean.gradient, 1e-9));
  options.kind = EstimatorKind::one_point;
  std::vector<uint64_t> seen;
  GradientEstimator(options).estimate(
      [&](const torch::Tensor& points, const std::vector<uint64_t>& seeds) {
        seen = seeds;
        return torch::zeros({points.size(0)}, torch::kFloat64);
      },
      theta, 1);
  EXPECT_EQ(std::set<uint64_t>(seen.begin(), seen.end()).size(), 6u);  // one-point: a seed per direction
}

// The two halves of an estimate: the points are θ ± rU (θ + rU for one point) with the
// pairs' seeds repeated, and estimating from their values is the one-call estimate.
TEST(GradientEstimator, PerturbationsThenValuesIsTheOneCallEstimate) {
  const Quadratic F(4);
  const auto theta = torch::linspace(-1.0, 1.0, 4, torch::kFloat64);
  for (EstimatorKind kind : {EstimatorKind::two_point, EstimatorKind::one_point, EstimatorKind::antithetic_es}) {
    GradientEstimatorOptions options;
    options.kind = kind;
    options.directions = 5;
    options.radius = 0.1;
    const GradientEstimator estimator(options);
    const Perturbations p = estimator.perturbations(theta, 3);
    const torch::Tensor U = estimator.directions(4, 3);
    const torch::Tensor expected =
        kind == EstimatorKind::one_point ? theta + 0.1 * U : torch::cat({theta + 0.1 * U, theta - 0.1 * U});
    EXPECT_TRUE(TensorsNear(p.points, expected, 1e-15)) << to_string(kind);
    ASSERT_EQ(p.seeds.size(), static_cast<size_t>(p.points.size(0)));
    if (kind != EstimatorKind::one_point) EXPECT_TRUE(std::equal(p.seeds.begin(), p.seeds.begin() + 5, p.seeds.begin() + 5));
    const BatchObjective objective = evaluate_in_parallel([&](const torch::Tensor& x, uint64_t) { return F(x); }, 1);
    const torch::Tensor values = objective(p.points, p.seeds);
    EXPECT_TRUE(torch::equal(estimator.estimate(p, values).gradient, estimator.estimate(objective, theta, 3).gradient));
    // One rank evaluates everything itself.
    EXPECT_TRUE(torch::equal(split_over_ranks(objective, world(), 2)(p.points, p.seeds), values));
  }
}

TEST(GradientEstimator, RejectsBadOptions) {
  GradientEstimatorOptions options;
  options.radius = 0.0;
  EXPECT_THROW(GradientEstimator{options}, InputError);
  options = {};
  options.top_directions = 3;
  EXPECT_THROW(GradientEstimator{options}, InputError);  // ES-only option on two_point
  options.kind = EstimatorKind::antithetic_es;
  options.top_directions = 9;
  EXPECT_THROW(GradientEstimator{options}, InputError);  // more than the directions
}

}  // namespace
}  // namespace diffctl
