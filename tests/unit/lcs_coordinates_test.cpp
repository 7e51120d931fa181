#include "data/lcs/random_lcs.h"
#include "src/lcp/lcs_coordinates.h"
#include "src/lcp/lcs_dynamics.h"
#include "src/lcp/smoothing.h"
#include "src/seeding.h"
#include "support/tensor_matchers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

using testing::TensorsNear;

struct Case {
  LCSMatrices matrices;
  torch::Tensor x, u;
};

Case random_case(uint64_t seed) {
  auto generator = make_generator(seed);
  RandomLcsOptions options;
  const LCSMatrices m = random_lcs(options, generator);
  return {m, 3.0 * torch::randn({16, options.state_dim}, generator, torch::kFloat64),
          2.0 * torch::randn({16, options.input_dim}, generator, torch::kFloat64)};
}

LCSStep exact_step(const LCSMatrices& m, const torch::Tensor& x, const torch::Tensor& u) {
  return lcs_step(m, x, u, torch::full({}, 1e-12, torch::kFloat64), lcp::SmoothingOptions{});
}

// Rescaling each contact's row leaves x⁺ unchanged and scales λᵢ by ‖(Dᵢ, Eᵢ)‖, whose new
// normals have unit length.
TEST(LcsCoordinates, UnitContactNormalsKeepTheDynamicsAndScaleTheImpulses) {
  for (uint64_t seed : {1, 2, 3}) {
    const Case c = random_case(seed);
    const LCSMatrices unit = with_unit_contact_normals(c.matrices);
    const torch::Tensor normal_lengths = torch::cat({c.matrices.D, c.matrices.E}, 1).norm(2, 1);
    EXPECT_TRUE(TensorsNear(torch::cat({unit.D, unit.E}, 1).norm(2, 1), torch::ones_like(normal_lengths), 1e-12));
    const LCSStep original = exact_step(c.matrices, c.x, c.u);
    const LCSStep rescaled = exact_step(unit, c.x, c.u);
    ASSERT_GT((original.lambda > 1e-6).sum().item<int64_t>(), 0) << "no active contact: the test would be vacuous";
    EXPECT_TRUE(TensorsNear(rescaled.next_state, original.next_state, 1e-6, 1e-6));
    EXPECT_TRUE(TensorsNear(rescaled.lambda, original.lambda * normal_lengths, 1e-6, 1e-6));
  }
}

// A model stepped in scaled coordinates x̃ = x/s, ũ = u/s_u and the unscaled model stepped in
// x, u reach the same state.
TEST(LcsCoordinates, UnscaledModelStepsLikeTheScaledOne) {
  for (uint64_t seed : {4, 5, 6}) {
    const Case c = random_case(seed);
    auto generator = make_generator(seed + 100);
    const torch::Tensor s = torch::rand({c.x.size(1)}, generator, torch::kFloat64) + 0.2;
    const torch::Tensor s_u = torch::rand({c.u.size(1)}, generator, torch::kFloat64) + 0.2;
    const LCSStep scaled = exact_step(c.matrices, c.x / s, c.u / s_u);
    const LCSStep unscaled = exact_step(in_unscaled_coordinates(c.matrices, s, s_u), c.x, c.u);
    ASSERT_GT((scaled.lambda > 1e-6).sum().item<int64_t>(), 0);
    EXPECT_TRUE(TensorsNear(unscaled.next_state, s * scaled.next_state, 1e-6, 1e-6));
    EXPECT_TRUE(TensorsNear(unscaled.lambda, scaled.lambda, 1e-6, 1e-6));
  }
}

}  // namespace
}  // namespace diffctl
