// The random LCS benchmark's systems and transitions (issue 11's model-learning data).
#include "data/lcs/random_lcs.h"
#include "src/lcp/p_matrix.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

TEST(RandomLcs, DrawsSystemsWithPMatrixContactsFromTheSeed) {
  const RandomLcsOptions options;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const auto m = random_lcs(options, make_generator(seed));
    EXPECT_NO_THROW(m.validate());
    EXPECT_NO_THROW(lcp::require_p_matrix(m.F, "F"));
  }
  // The entries of A, B, C, c, D, E, d are U(−1, 1): mean 0, standard deviation 1/√3.
  std::vector<torch::Tensor> entries;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const auto m = random_lcs(options, make_generator(seed));
    for (const auto& matrix : {m.A, m.B, m.C, m.c, m.D, m.E, m.d}) entries.push_back(matrix.flatten());
  }
  const auto all = torch::cat(entries);
  EXPECT_NEAR(all.mean().item<double>(), 0.0, 0.03);
  EXPECT_NEAR(all.std().item<double>(), 1.0 / std::sqrt(3.0), 0.02);
  EXPECT_GT(all.abs().max().item<double>(), 0.99);
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
  // States and inputs are uniform in their boxes: per column mean 0, spread range/√3.
  for (const auto& [samples, range] : {std::pair{data.state, options.state_range}, std::pair{data.input, options.input_range}}) {
    EXPECT_TRUE(TensorsNear(samples.mean(0), torch::zeros({samples.size(1)}, torch::kFloat64), 0.05 * range));
    EXPECT_TRUE(TensorsNear(samples.std(0), torch::full({samples.size(1)}, range / std::sqrt(3.0), torch::kFloat64),
                            0.03 * range));
  }
  const auto modes = std::get<0>(torch::unique_dim((data.lambda > 0).to(torch::kInt64), 0));
  EXPECT_GE(modes.size(0), 4);
}

}  // namespace
}  // namespace diffctl
