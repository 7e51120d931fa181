#include "data/lqr/lqr_instance.h"
#include "data/lqr/system_domain.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/discount_annealing.h"
#include "src/seeding.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

namespace diffctl {
namespace {

double closed_loop_radius(const LqrSystems& s, int64_t i, const torch::Tensor& K) {
  const Eigen::MatrixXd closed = to_eigen(s.A[i]) - to_eigen(s.B[i]) * to_eigen(K);
  return closed.eigenvalues().cwiseAbs().maxCoeff();
}

TEST(DiscountAnnealing, StabilisesEverySampledCartPoleFromZeroGain) {
  auto generator = make_generator(0);
  const CartPoleDomain domain({});
  const int64_t groups = 3, per_group = 6;
  const auto systems = domain.sample(groups * per_group, generator, torch::kFloat64);
  const auto zero = torch::zeros({groups, 1, 4}, torch::kFloat64);
  for (int64_t i = 0; i < systems.size(); ++i) ASSERT_GE(closed_loop_radius(systems, i, zero[0]), 1.0);

  DiscountAnnealingSummary summary;
  const auto K = anneal_discount(systems, zero, {}, &summary);
  for (int64_t i = 0; i < systems.size(); ++i) {
    EXPECT_LT(closed_loop_radius(systems, i, K[i / per_group]), 1.0) << "system " << i;
  }
  EXPECT_GT(summary.rounds, 1);
  for (size_t r = 1; r < summary.smallest_discount.size(); ++r) {
    EXPECT_GT(summary.smallest_discount[r], summary.smallest_discount[r - 1]);
  }
}

TEST(DiscountAnnealing, StabilisesTheMalikInstanceFromZeroGain) {
  const auto malik = load_lqr_instance("malik3").system;
  const auto zero = torch::zeros({1, 3, 3}, torch::kFloat64);
  ASSERT_GE(closed_loop_radius(malik, 0, zero[0]), 1.0);
  const auto K = anneal_discount(malik, zero, {});
  EXPECT_LT(closed_loop_radius(malik, 0, K[0]), 1.0);
}

TEST(DiscountAnnealing, GivesUpWithAClearErrorWhenRoundsRunOut) {
  const auto malik = load_lqr_instance("malik3").system;
  DiscountAnnealingOptions options;
  options.max_rounds = 1;
  options.policy_steps = 1;
  try {
    anneal_discount(malik, torch::zeros({1, 3, 3}, torch::kFloat64), options);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("did not reach 1 in 1 rounds"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace diffctl
