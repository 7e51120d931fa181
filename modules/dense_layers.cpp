#include "modules/dense_layers.h"

#include "modules/linear_initialization.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

DenseLayersOptions DenseLayersOptions::from_config(ConfigReader& reader, int64_t width) {
  DenseLayersOptions options(width);
  options.depth(reader.integer("depth", options.depth(), 1));
  return options;
}

DenseLayersImpl::DenseLayersImpl(const DenseLayersOptions& options_, std::optional<at::Generator> generator)
    : options(options_) {
  const int64_t n = options.width(), L = options.depth();
  if (n < 1 || L < 1) throw InputError("dense layers: expected width and depth >= 1");
  // He initialisation (uniform, variance 2/n) keeps the signal's scale through a stack of
  // ReLU layers; torch::nn::Linear's ±1/√n shrinks it sixfold per layer, and Dense-10 then
  // trains too slowly to reach 85% in the CPU budget. Biases as torch::nn::Linear's.
  const double weight_bound = std::sqrt(6.0 / static_cast<double>(n));
  const auto source = generator_or_global(generator);
  layer_weight = register_manifold_parameter(
      "layer_weight", torch::rand({L, n, n}, source, torch::kFloat64) * (2 * weight_bound) - weight_bound, Manifold::free);
  layer_bias = register_manifold_parameter("layer_bias", linear_uniform({L, n}, n, source), Manifold::free);
}

torch::Tensor DenseLayersImpl::forward(const torch::Tensor& x) {
  torch::Tensor state = x;
  for (int64_t l = 0; l < options.depth(); ++l) state = torch::relu(torch::addmm(layer_bias[l], state, layer_weight[l].t()));
  return state;
}

std::string DenseLayersImpl::export_to(torch::jit::Module& module) const {
  module.register_buffer("flow_weights", layer_weight.detach().clone());
  module.register_buffer("flow_bias", layer_bias.detach().clone());
  std::ostringstream lines;
  lines << "    for i in range(" << options.depth() << "):\n"
        << "        x = torch.relu(torch.addmm(self.flow_bias[i], x, self.flow_weights[i].t()))\n";
  return lines.str();
}

}  // namespace diffctl
