#include "src/error.h"
#include "src/seeding.h"
#include "src/stats/update_variance.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace diffctl {
namespace {

// E‖g_B‖²/‖E g_B‖² estimated by drawing minibatches: the oracle of the closed forms.
double sampled_ratio(const torch::Tensor& per_sample, int64_t k, bool with_replacement, at::Generator& generator) {
  const int64_t n = per_sample.size(0);
  constexpr int64_t kDraws = 200000;
  const torch::Tensor index = with_replacement
                                  ? torch::randint(n, {kDraws, k}, generator, torch::kLong)
                                  : torch::rand({kDraws, n}, generator, torch::kFloat64).argsort(/*dim=*/int64_t{-1}).narrow(1, 0, k);
  const torch::Tensor batches = per_sample.index_select(0, index.flatten()).view({kDraws, k, -1}).mean(1);
  return batches.pow(2).sum(-1).mean().item<double>() / batches.mean(0).pow(2).sum().item<double>();
}

TEST(UpdateVarianceRatio, ClosedFormsMatchSampledMinibatches) {
  auto generator = make_generator(50);
  const torch::Tensor per_sample = torch::randn({40, 6}, generator, torch::kFloat64) + 0.3;
  for (bool with_replacement : {true, false}) {
    const double exact = update_variance_ratio(per_sample, 10, with_replacement);
    EXPECT_NEAR(sampled_ratio(per_sample, 10, with_replacement, generator), exact, 0.03 * exact)
        << (with_replacement ? "with" : "without") << " replacement";
  }
}

TEST(UpdateVarianceRatio, MeasuredRatioConvergesToTheClosedForm) {
  auto generator = make_generator(52);
  const torch::Tensor per_sample = torch::randn({30, 4}, generator, torch::kFloat64) + 0.5;
  for (bool with_replacement : {true, false}) {
    const double exact = update_variance_ratio(per_sample, 8, with_replacement);
    EXPECT_NEAR(sampled_update_variance_ratio(per_sample, 8, with_replacement, 50000, generator), exact, 0.02 * exact)
        << (with_replacement ? "with" : "without") << " replacement";
  }
  EXPECT_THROW(sampled_update_variance_ratio(per_sample, 31, false, 10, generator), InputError);
}

// Corollary 2: one-hot features of distinct states give n/k without replacement, whatever
// the residuals; drawing with replacement gives 1 + (n − 1)/k.
TEST(UpdateVarianceRatio, OneHotDistinctStatesGiveNOverK) {
  auto generator = make_generator(51);
  const int64_t n = 50;
  const int64_t k = 25;
  const torch::Tensor residuals = torch::randn({n}, generator, torch::kFloat64) + 2.0;
  const torch::Tensor per_sample = residuals.unsqueeze(-1) * torch::eye(n, torch::kFloat64);
  EXPECT_NEAR(update_variance_ratio(per_sample, k, false), static_cast<double>(n) / k, 1e-12);
  EXPECT_NEAR(update_variance_ratio(per_sample, k, true), 1.0 + static_cast<double>(n - 1) / k, 1e-12);
  // Scale-free down to updates whose squares underflow; undefined once they are all zero.
  EXPECT_NEAR(update_variance_ratio(per_sample * 1e-170, k, false), static_cast<double>(n) / k, 1e-12);
  EXPECT_TRUE(std::isnan(update_variance_ratio(per_sample * 0.0, k, false)));
  EXPECT_TRUE(std::isnan(sampled_update_variance_ratio(per_sample * 0.0, k, false, 10, generator)));
}

}  // namespace
}  // namespace diffctl
