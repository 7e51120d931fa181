#include "src/stats/percentile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace diffctl {
namespace {

TEST(Percentile, InterpolatesLinearlyBetweenOrderStatistics) {
  // position q/100·(n−1): p10 of {1,2,3,4} sits at 0.3 -> 1.3; p50 at 1.5 -> 2.5.
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 10), 1.3);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 100), 4.0);
  EXPECT_DOUBLE_EQ(percentile({7}, 90), 7.0);
}

TEST(Percentile, InfiniteCostsSortLast) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_DOUBLE_EQ(percentile({1, inf, 2}, 0), 1.0);
  EXPECT_DOUBLE_EQ(percentile({1, inf, 2}, 50), 2.0);
  EXPECT_TRUE(std::isinf(percentile({1, inf, 2}, 90)));
}

}  // namespace
}  // namespace diffctl
