#include "data/lqr/system_domain.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/reference_lqr.h"
#include "src/lqr/sample_average_minimum.h"
#include "src/seeding.h"

#include <gtest/gtest.h>

namespace diffctl {
namespace {

Eigen::MatrixXd riccati_gain_of(const LqrSystems& systems, int64_t i) {
  const auto A = to_eigen(systems.A[i]), B = to_eigen(systems.B[i]), R = to_eigen(systems.R[i]);
  return reference::riccati_gain(A, B, R, reference::solve_dare(A, B, to_eigen(systems.Q[i]), R));
}

// One system repeated: the sample-average minimum is that system's Riccati gain (the
// Eigen doubling solver, an independent oracle).
TEST(SampleAverageMinimum, OfOneSystemIsItsRiccatiGain) {
  const CartPoleDomain domain({});
  const auto systems = domain.systems_for_lengths(torch::full({5}, 0.35, torch::kFloat64));
  const auto start = domain.systems_for_lengths(torch::full({1}, 0.6, torch::kFloat64));
  const auto minimum = minimize_sample_average_cost(systems, to_tensor(riccati_gain_of(start, 0)));
  const Eigen::MatrixXd expected = riccati_gain_of(systems, 0);
  EXPECT_LT((to_eigen(minimum.gain) - expected).norm(), 1e-7 * expected.norm());
  EXPECT_GT(minimum.iterations, 0);
}

// Many systems: at the minimum the average of the closed-form policy gradients (Fazel et
// al., in Eigen) vanishes, and no nearby gain costs less.
TEST(SampleAverageMinimum, ZeroesTheAverageClosedFormGradient) {
  const CartPoleDomain domain({});
  auto generator = make_generator(3);
  const auto systems = domain.sample(300, generator, torch::kFloat64);
  const auto nominal = domain.nominal(torch::kFloat64);
  const auto minimum = minimize_sample_average_cost(systems, to_tensor(riccati_gain_of(nominal, 0)));
  const Eigen::MatrixXd K = to_eigen(minimum.gain);
  Eigen::MatrixXd gradient = Eigen::MatrixXd::Zero(K.rows(), K.cols());
  Eigen::MatrixXd gradient_at_nominal = gradient;
  for (int64_t i = 0; i < systems.size(); ++i) {
    const auto A = to_eigen(systems.A[i]), B = to_eigen(systems.B[i]), Q = to_eigen(systems.Q[i]);
    const auto R = to_eigen(systems.R[i]), Sigma = to_eigen(systems.Sigma[i]);
    gradient += reference::lqr_cost_and_gradient(A, B, Q, R, Sigma, K).gradient / systems.size();
    gradient_at_nominal +=
        reference::lqr_cost_and_gradient(A, B, Q, R, Sigma, riccati_gain_of(nominal, 0)).gradient / systems.size();
  }
  EXPECT_LT(gradient.norm(), 1e-8 * gradient_at_nominal.norm());
  torch::NoGradGuard no_grad;
  for (int trial = 0; trial < 20; ++trial) {
    const auto nearby = minimum.gain + 1e-3 * torch::randn(minimum.gain.sizes(), generator, torch::kFloat64);
    EXPECT_GE(lqr_cost(systems, nearby).cost.mean().item<double>(), minimum.cost);
  }
}

TEST(SampleAverageMinimum, RejectsAGainThatDoesNotStabiliseEverySystem) {
  const CartPoleDomain domain({});
  auto generator = make_generator(4);
  const auto systems = domain.sample(10, generator, torch::kFloat64);
  try {
    minimize_sample_average_cost(systems, torch::zeros({1, 4}, torch::kFloat64));
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("does not stabilise every system"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace diffctl
