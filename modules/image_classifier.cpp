#include "modules/image_classifier.h"

#include "modules/linear_initialization.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

ImageClassifierImpl::ImageClassifierImpl(const ImageClassifierOptions& options, std::shared_ptr<HiddenFlowImpl> flow,
                                         std::optional<at::Generator> generator)
    : options_(options), flow_(std::move(flow)) {
  if (options.dropout() < 0.0 || options.dropout() >= 1.0) {
    throw InputError("dropout: expected a rate in [0, 1), got " + std::to_string(options.dropout()));
  }
  const auto source = generator_or_global(generator);
  auto uniform = [&](std::vector<int64_t> shape, int64_t fan_in) { return linear_uniform(shape, fan_in, source); };
  const int64_t d = options.pixels(), w = options.width(), c = options.classes();
  embed_weight_ = register_parameter("embed_weight", uniform({w, d}, d));
  embed_bias_ = register_parameter("embed_bias", uniform({w}, d));
  readout_weight_ = register_parameter("readout_weight", uniform({c, w}, w));
  readout_bias_ = register_parameter("readout_bias", uniform({c}, w));
  register_module("flow", flow_);
}

torch::Tensor ImageClassifierImpl::flat_pixels(const torch::Tensor& pixels) const {
  if (pixels.dim() < 2 || pixels.numel() != pixels.size(0) * options_.pixels() || !pixels.is_floating_point()) {
    throw InputError("classifier input: expected floating pixels (B, 28, 28), (B, 1, 28, 28) or (B, " +
                     std::to_string(options_.pixels()) + "), got " + std::string(pixels.dtype().name()) + " " +
                     c10::str(pixels.sizes()));
  }
  return pixels.reshape({pixels.size(0), options_.pixels()}).to(embed_weight_.dtype());
}

torch::Tensor ImageClassifierImpl::logits(const torch::Tensor& pixels, at::Generator* dropout_generator) {
  auto dropout = [&](const torch::Tensor& x) {
    if (dropout_generator == nullptr || options_.dropout() == 0.0) return x;
    const double keep = 1.0 - options_.dropout();
    // Drawn on the CPU (where the trainer's generator lives) and moved: the same masks on any device.
    const auto mask = torch::empty(x.sizes(), torch::kFloat32).bernoulli_(keep, *dropout_generator);
    return x * mask.to(x.options()) / keep;
  };
  const auto embedded = dropout(torch::addmm(embed_bias_, flat_pixels(pixels), embed_weight_.t()));
  return torch::addmm(readout_bias_, dropout(flow_->forward(embedded)), readout_weight_.t());
}

torch::Tensor ImageClassifierImpl::forward(const torch::Tensor& pixels) { return logits(pixels, nullptr); }

torch::Tensor ImageClassifierImpl::train_forward(const torch::Tensor& pixels, at::Generator& generator) {
  return logits(pixels, &generator);
}

std::vector<ManifoldParameter> ImageClassifierImpl::manifold_parameters() {
  std::vector<ManifoldParameter> parameters;
  for (const auto& item : named_parameters(/*recurse=*/false)) parameters.push_back({item.key(), item.value(), Manifold::free});
  for (const auto& item : flow_->named_parameters(/*recurse=*/true)) {
    const auto manifold = flow_->manifolds().find(item.key());
    parameters.push_back({"flow." + item.key(), item.value(),
                          manifold == flow_->manifolds().end() ? Manifold::free : manifold->second});
  }
  return parameters;
}

torch::jit::Module ImageClassifierImpl::export_torchscript() const {
  torch::NoGradGuard no_grad;
  torch::jit::Module module("ImageClassifier");
  module.register_buffer("embed_weight", embed_weight_.detach().clone());
  module.register_buffer("embed_bias", embed_bias_.detach().clone());
  module.register_buffer("readout_weight", readout_weight_.detach().clone());
  module.register_buffer("readout_bias", readout_bias_.detach().clone());
  const std::string body = flow_->export_to(module);
  std::ostringstream source;
  source << "def forward(self, pixels: Tensor) -> Tensor:\n"
         << "    x = pixels.reshape(pixels.size(0), " << options_.pixels() << ").to(self.embed_weight.dtype)\n"
         << "    x = torch.addmm(self.embed_bias, x, self.embed_weight.t())\n"
         << body << "    return torch.addmm(self.readout_bias, x, self.readout_weight.t())\n";
  module.define(source.str());
  module.eval();
  return module;
}

}  // namespace diffctl
