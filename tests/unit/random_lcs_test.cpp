// The random LCS benchmark's systems and transitions (issue 11's model-learning data).
#include "data/lcs/random_lcs.h"
#include "src/lcp/p_matrix.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

TEST(RandomLcs, DrawsSystemsWithPMatrixContactsFromTheSeed) {
  const RandomLcsOptions options;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const auto m = random_lcs(options, make_generator(seed));
    EXPECT_NO_THROW(m.validate());
    EXPECT_NO_THROW(lcp::require_p_matrix(m.F, "F"));
    EXPECT_LE(m.A.abs().max().item<double>(), 1.0);
  }
  EXPECT_TRUE(torch::equal(random_lcs(options, make_generator(1)).C, random_lcs(options, make_generator(1)).C));
  EXPECT_FALSE(torch::equal(random_lcs(options, make_generator(1)).C, random_lcs(options, make_generator(2)).C));
}

// Every transition solves its LCP (λ ≥ 0, w ≥ 0, λᵀw = 0), and x⁺ differs from the
// noise-free step by Gaussian noise of the stated size; the samples cover several modes.
TEST(RandomLcs, TransitionsSolveTheirLcpAndCarryTheStatedNoise) {
  const RandomLcsOptions options;
  const auto m = random_lcs(options, make_generator(7));
  const auto data = sample_transitions(m, benchmark_sampling(options), 2000, make_generator(8));
  const auto w = data.state.matmul(m.D.t()) + data.input.matmul(m.E.t()) + data.lambda.matmul(m.F.t()) + m.d;
  EXPECT_GE(data.lambda.min().item<double>(), 0.0);
  EXPECT_GE(w.min().item<double>(), -1e-9);
  EXPECT_LE((data.lambda * w).abs().max().item<double>(), 1e-8);
  const auto clean = data.state.matmul(m.A.t()) + data.input.matmul(m.B.t()) + data.lambda.matmul(m.C.t()) + m.c;
  const double noise = (data.next_state - clean).std().item<double>();
  EXPECT_NEAR(noise, options.observation_noise, 0.1 * options.observation_noise);
  EXPECT_LE(data.state.abs().max().item<double>(), options.state_range);
  EXPECT_LE(data.input.abs().max().item<double>(), options.input_range);
  const auto modes = std::get<0>(torch::unique_dim((data.lambda > 0).to(torch::kInt64), 0));
  EXPECT_GE(modes.size(0), 4);
}

}  // namespace
}  // namespace diffctl
