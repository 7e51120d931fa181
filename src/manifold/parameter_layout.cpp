#include "src/manifold/parameter_layout.h"

#include "src/error.h"

namespace diffctl {

void ParameterLayout::add(const std::string& name, std::vector<int64_t> shape, Manifold manifold) {
  int64_t size = 1;
  for (const int64_t extent : shape) size *= extent;
  check_manifold_shape(manifold, torch::empty(shape, torch::kFloat64), "parameter " + name);
  blocks_.push_back({name, std::move(shape), manifold, size_, size});
  size_ += size;
}

torch::Tensor ParameterLayout::view(const torch::Tensor& theta, const ParameterBlock& block) const {
  return theta.narrow(-1, block.offset, block.size).view(block.shape);
}

}  // namespace diffctl
