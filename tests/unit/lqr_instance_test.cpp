#include "data/lqr/lqr_instance.h"
#include "src/error.h"
#include "support/input_error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

std::string error_of(const nlohmann::json& spec) {
  return testing::input_error_of([&] { parse_lqr_instance(spec, "test.json"); });
}

TEST(LqrInstance, ShippedInstancesLoadWithTheirInitialStateCovariance) {
  const auto dean = load_lqr_instance("dean").system;
  // Σ₀ = mean of x xᵀ over {[5,0,0], [5,5,5], [0,0,5]}.
  const auto expected = torch::tensor({{50.0, 25.0, 25.0}, {25.0, 25.0, 25.0}, {25.0, 25.0, 50.0}}, torch::kFloat64) / 3.0;
  EXPECT_TRUE(torch::allclose(dean.Sigma[0], expected));
  EXPECT_TRUE(torch::allclose(load_lqr_instance("malik3").system.Sigma[0], torch::eye(3, torch::kFloat64) / 3.0));
}

TEST(LqrInstance, RandomRecipeIsSeededAndFollowsTheAppendix) {
  const auto a = load_lqr_instance("random8").system;
  const auto b = parse_lqr_instance({{"random", {{"n", 8}, {"m", 8}, {"seed", 1}}}}, "x").system;
  EXPECT_TRUE(torch::equal(a.A, b.A));
  EXPECT_NEAR(a.A.mean().item<double>(), 2.0, 0.4);  // 64 draws of N(2, 1)
  EXPECT_TRUE(torch::allclose(a.Q[0], a.Q[0].t()));
  EXPECT_GT(torch::linalg::eigvalsh(a.R[0], "L").min().item<double>(), 0.0);
}

TEST(LqrInstance, BadInstancesNameWhatIsWrong) {
  const nlohmann::json good = {{"A", {{1.0}}}, {"B", {{1.0}}}, {"Q", {{1.0}}}, {"R", {{1.0}}}, {"Sigma", {{1.0}}}};
  EXPECT_EQ(error_of(good), "(no error)");
  auto bad = good;
  bad["R"] = {{-1.0}};
  EXPECT_NE(error_of(bad).find("test.json.R: expected a symmetric positive definite matrix"), std::string::npos);
  bad = good;
  bad["A"] = {{1.0, 2.0}};
  EXPECT_NE(error_of(bad).find("test.json.A: expected a 1x1 matrix"), std::string::npos);
  bad = good;
  bad["Q"] = {{"nan"}};
  EXPECT_NE(error_of(bad).find("test.json.Q[0][0]: expected a finite number"), std::string::npos);
  bad = good;
  bad["extra"] = 1;
  EXPECT_NE(error_of(bad).find("test.json.extra: unknown key"), std::string::npos);
  EXPECT_THROW(load_lqr_instance("no_such_instance"), InputError);
}

}  // namespace
}  // namespace diffctl
