// The Control Suite's tolerance function at its sigmoids' defining points.
#include "data/envs/control_suite_tolerance.h"

#include <gtest/gtest.h>

#include <cmath>

namespace diffctl {
namespace {

TEST(Tolerance, MatchesTheSuitesSigmoidsAtTheirDefiningPoints) {
  EXPECT_EQ(tolerance(1.5, 1.4, INFINITY, 0.35, ToleranceSigmoid::gaussian), 1.0);
  // One margin away: value_at_margin; half a margin: the sigmoid's own value.
  EXPECT_NEAR(tolerance(1.4 - 0.35, 1.4, INFINITY, 0.35, ToleranceSigmoid::gaussian), 0.1, 1e-12);
  EXPECT_NEAR(tolerance(-1.0, 0.0, 0.0, 2.0, ToleranceSigmoid::gaussian), std::pow(0.1, 0.25), 1e-12);
  EXPECT_NEAR(tolerance(0.9 - 0.95, 0.9, INFINITY, 1.9, ToleranceSigmoid::linear, 0.0), 0.5, 1e-12);
  EXPECT_EQ(tolerance(-1.5, 0.9, INFINITY, 1.9, ToleranceSigmoid::linear, 0.0), 0.0);
  EXPECT_NEAR(tolerance(0.5, 0.0, 0.0, 1.0, ToleranceSigmoid::quadratic, 0.0), 0.75, 1e-12);
  EXPECT_EQ(tolerance(1.2, 0.0, 0.0, 1.0, ToleranceSigmoid::quadratic, 0.0), 0.0);
  EXPECT_EQ(tolerance(0.1, 0.0, 0.0, 0.0, ToleranceSigmoid::gaussian), 0.0);
  // long_tail: 1 / ((d·√(1/v − 1))² + 1), so v at one margin and 1/(1 + 4(1/v − 1)) at two.
  EXPECT_NEAR(tolerance(0.6, 0.0, 0.1, 0.5, ToleranceSigmoid::long_tail), 0.1, 1e-12);
  EXPECT_NEAR(tolerance(-1.0, 0.0, 0.1, 0.5, ToleranceSigmoid::long_tail), 1.0 / (1.0 + 4.0 * 9.0), 1e-12);
  EXPECT_EQ(tolerance(0.05, 0.0, 0.1, 0.5, ToleranceSigmoid::long_tail), 1.0);
}

}  // namespace
}  // namespace diffctl
