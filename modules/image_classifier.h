#pragma once

#include "modules/hidden_flow.h"
#include "src/manifold/riemannian_optimizer.h"

#include <ATen/core/Generator.h>
#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace diffctl {

struct ImageClassifierOptions {
  TORCH_ARG(int64_t, pixels) = 784;
  TORCH_ARG(int64_t, width) = 128;  // w
  TORCH_ARG(int64_t, classes) = 10;
  TORCH_ARG(double, dropout) = 0.0;  // r: on the embedding and before the readout, in training
};

// The fully connected classifiers of ode-to-ode.md section 5.2: pixels in [0, 1] → linear
// embedding to width w → a hidden flow (Dense layers, NODE, NANODE, HyperNet or ODEtoODE) →
// linear readout to the class logits. Pixels may come as (B, 28, 28), (B, 1, 28, 28) or
// (B, 784), in any floating dtype; they are computed in the parameters' dtype.
class ImageClassifierImpl : public torch::nn::Module {
 public:
  ImageClassifierImpl(const ImageClassifierOptions& options, std::shared_ptr<HiddenFlowImpl> flow,
                      std::optional<at::Generator> generator = std::nullopt);

  // Logits (B, classes), without dropout.
  torch::Tensor forward(const torch::Tensor& pixels);
  // Logits with dropout masks drawn from `generator` (the trainer's, so resume is exact).
  torch::Tensor train_forward(const torch::Tensor& pixels, at::Generator& generator);

  // Every parameter with its manifold (free unless the flow declares another).
  std::vector<ManifoldParameter> manifold_parameters();
  // The TorchScript classifier: forward(pixels) -> logits as forward() computes them.
  torch::jit::Module export_torchscript() const;

  HiddenFlowImpl& flow() { return *flow_; }
  const ImageClassifierOptions& options() const { return options_; }

 private:
  torch::Tensor flat_pixels(const torch::Tensor& pixels) const;
  torch::Tensor logits(const torch::Tensor& pixels, at::Generator* dropout_generator);

  ImageClassifierOptions options_;
  torch::Tensor embed_weight_, embed_bias_, readout_weight_, readout_bias_;
  std::shared_ptr<HiddenFlowImpl> flow_;
};
TORCH_MODULE(ImageClassifier);

}  // namespace diffctl
