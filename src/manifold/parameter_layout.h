#pragma once

#include "src/manifold/manifold.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace diffctl {

// Named parameter tensors laid end to end in one flat vector θ (D), each with its manifold:
// what a derivative-free estimator perturbs and a manifold-aware optimizer updates.
// modules/policy.h builds one from a policy's parameters.
struct ParameterBlock {
  std::string name;
  std::vector<int64_t> shape;
  Manifold manifold = Manifold::free;
  int64_t offset = 0;
  int64_t size = 0;
};

class ParameterLayout {
 public:
  ParameterLayout() = default;
  // Appends a block (InputError if its shape does not fit the manifold).
  void add(const std::string& name, std::vector<int64_t> shape, Manifold manifold);

  int64_t size() const { return size_; }
  const std::vector<ParameterBlock>& blocks() const { return blocks_; }
  // Block `block` of a flat θ (D) as a tensor of its shape (a view).
  torch::Tensor view(const torch::Tensor& theta, const ParameterBlock& block) const;

 private:
  std::vector<ParameterBlock> blocks_;
  int64_t size_ = 0;
};

}  // namespace diffctl
