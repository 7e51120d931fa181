#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

struct PMatrixParameterizationOptions {
  explicit PMatrixParameterizationOptions(int64_t dim) : dim_(dim) {}
  TORCH_ARG(int64_t, dim);
  // ε in F = GGᵀ + εI + H − Hᵀ: the symmetric part of F stays ⪰ εI.
  TORCH_ARG(double, margin) = 0.1;
};

// Keeps F a P-matrix while G and H are learned freely: F = GGᵀ + εI + H − Hᵀ has
// xᵀFx = |Gᵀx|² + ε|x|² > 0 for x ≠ 0 (positive definite, hence every principal minor > 0).
class PMatrixParameterizationImpl : public torch::nn::Module {
 public:
  // G = I, H = 0: F = (1 + ε) I.
  explicit PMatrixParameterizationImpl(const PMatrixParameterizationOptions& options);
  // Starts from a given F: G = chol((F + Fᵀ)/2 − εI), H = (F − Fᵀ)/4. InputError if the
  // symmetric part of F is not ⪰ εI (such P-matrices exist but are not in this family).
  PMatrixParameterizationImpl(const PMatrixParameterizationOptions& options, const torch::Tensor& initial_F);

  torch::Tensor forward();  // F (dim, dim)

  PMatrixParameterizationOptions options;
  torch::Tensor G;
  torch::Tensor H;
};
TORCH_MODULE(PMatrixParameterization);

}  // namespace diffctl
