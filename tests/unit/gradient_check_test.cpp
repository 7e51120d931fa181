#include "src/autograd/gradient_check.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

// y = x³ with a backward that forgets the factor 3: the checker must catch it.
struct WrongCube : public torch::autograd::Function<WrongCube> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    ctx->save_for_backward({x});
    return x.pow(3);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad) {
    const auto x = ctx->get_saved_variables()[0];
    return {grad[0] * x.pow(2)};
  }
};

TEST(GradientCheck, AcceptsACorrectBackward) {
  const auto x = torch::randn({3, 2}, torch::kFloat64).requires_grad_(true);
  const auto y = torch::randn({2, 4}, torch::kFloat64).requires_grad_(true);
  const auto result = check_gradients(
      [](const std::vector<torch::Tensor>& in) { return torch::tanh(in[0].matmul(in[1])); }, {x, y});
  EXPECT_TRUE(result.passed) << result.report;
}

TEST(GradientCheck, RejectsADeliberatelyWrongBackward) {
  const auto x = torch::randn({4}, torch::kFloat64).requires_grad_(true);
  const auto result =
      check_gradients([](const std::vector<torch::Tensor>& in) { return WrongCube::apply(in[0]); }, {x});
  EXPECT_FALSE(result.passed);
  EXPECT_NE(result.report.find("FAILED"), std::string::npos);
}

}  // namespace
}  // namespace diffctl
