#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

namespace diffctl::testing {

// Like Drake's CompareMatrices: on failure prints both operands and their difference.
inline ::testing::AssertionResult TensorsNear(const torch::Tensor& actual, const torch::Tensor& expected,
                                              double absolute_tolerance, double relative_tolerance = 0.0) {
  if (actual.sizes() != expected.sizes()) {
    return ::testing::AssertionFailure() << "shapes differ: " << actual.sizes() << " vs " << expected.sizes();
  }
  const auto a = actual.detach().to(torch::kCPU, torch::kFloat64);
  const auto e = expected.detach().to(torch::kCPU, torch::kFloat64);
  const auto difference = (a - e).abs();
  const auto allowed = absolute_tolerance + relative_tolerance * e.abs();
  if ((difference <= allowed).all().item<bool>()) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message << "max |actual - expected| = " << difference.max().item<double>() << " (atol " << absolute_tolerance
          << ", rtol " << relative_tolerance << ")\nactual:\n"
          << a << "\nexpected:\n"
          << e << "\ndifference:\n"
          << (a - e);
  return ::testing::AssertionFailure() << message.str();
}

}  // namespace diffctl::testing
