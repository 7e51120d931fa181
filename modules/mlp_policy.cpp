#include "modules/mlp_policy.h"

#include "modules/linear_initialization.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

namespace {
std::string weight_name(int64_t layer) { return "weight" + std::to_string(layer); }
std::string bias_name(int64_t layer) { return "bias" + std::to_string(layer); }
}  // namespace

MlpPolicyOptions MlpPolicyOptions::from_config(ConfigReader& reader, int64_t observation_size, int64_t action_size) {
  MlpPolicyOptions options(observation_size, action_size);
  const auto hidden = reader.value("hidden_sizes", nlohmann::json(options.hidden_sizes()));
  std::vector<int64_t> sizes;
  bool valid = hidden.is_array();
  for (const auto& size : valid ? hidden : nlohmann::json::array()) {
    if (!size.is_number_integer() || size.get<int64_t>() < 1) valid = false;
    else sizes.push_back(size.get<int64_t>());
  }
  if (!valid) {
    throw InputError(reader.path_of("hidden_sizes") + ": expected a list of integers >= 1, got " + describe_json(hidden));
  }
  options.hidden_sizes(sizes);
  options.activation(reader.choice("activation", Activation::tanh, kActivationNames));
  options.action_bound(reader.number("action_bound", 0.0, 0.0));
  options.observation_clip(reader.number("observation_clip", 0.0, 0.0));
  return options;
}

MlpPolicyImpl::MlpPolicyImpl(const MlpPolicyOptions& options_, std::optional<at::Generator> generator)
    : PolicyImpl(options_.observation_size(), options_.action_size(),
                 ObservationNormalizerOptions(options_.observation_size()).clip(options_.observation_clip())),
      options(options_) {
  for (const int64_t size : options.hidden_sizes()) {
    if (size < 1) throw InputError("hidden_sizes: expected integers >= 1, got " + std::to_string(size));
  }
  if (!(options.action_bound() >= 0.0)) throw InputError("action_bound: expected a number >= 0");
  std::vector<int64_t> sizes{options.observation_size()};
  sizes.insert(sizes.end(), options.hidden_sizes().begin(), options.hidden_sizes().end());
  sizes.push_back(options.action_size());
  const c10::optional<at::Generator> source = generator_or_global(generator);
  for (int64_t layer = 0; layer + 1 < static_cast<int64_t>(sizes.size()); ++layer) {
    const int64_t fan_in = sizes[layer], fan_out = sizes[layer + 1];
    auto uniform = [&](std::vector<int64_t> shape) { return linear_uniform(shape, fan_in, source); };
    register_policy_parameter(weight_name(layer), uniform({fan_out, fan_in}), Manifold::free);
    register_policy_parameter(bias_name(layer), uniform({fan_out}), Manifold::free);
  }
}

torch::Tensor MlpPolicyImpl::act(const ParameterBatch& parameters, const torch::Tensor& observations) const {
  torch::Tensor x = observations;
  for (int64_t layer = 0; layer < layers(); ++layer) {
    // (K, B, in) · (K, in, out) + (K, 1, out)
    x = torch::baddbmm(parameters[bias_name(layer)].unsqueeze(1), x,
                       parameters[weight_name(layer)].transpose(1, 2));
    if (layer + 1 < layers()) x = options.activation() == Activation::tanh ? torch::tanh(x) : torch::relu(x);
  }
  if (options.action_bound() > 0.0) x = options.action_bound() * torch::tanh(x);
  return x;
}

std::string MlpPolicyImpl::torchscript_act() const {
  std::ostringstream source;
  source.precision(17);
  source << "def act(self, x: Tensor) -> Tensor:\n";
  for (int64_t layer = 0; layer < layers(); ++layer) {
    source << "    x = torch.addmm(self." << bias_name(layer) << ", x, self." << weight_name(layer) << ".t())\n";
    if (layer + 1 < layers()) source << "    x = torch." << enum_name(kActivationNames, options.activation()) << "(x)\n";
  }
  if (options.action_bound() > 0.0) source << "    x = " << options.action_bound() << " * torch.tanh(x)\n";
  source << "    return x\n";
  return source.str();
}

}  // namespace diffctl
