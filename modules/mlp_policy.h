#pragma once

#include "modules/policy.h"
#include "src/config/enum_names.h"

#include <ATen/core/Generator.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

enum class Activation { tanh, relu };
inline constexpr EnumNames<Activation, 2> kActivationNames{{{Activation::tanh, "tanh"}, {Activation::relu, "relu"}}};

struct MlpPolicyOptions {
  MlpPolicyOptions(int64_t observation_size, int64_t action_size)
      : observation_size_(observation_size), action_size_(action_size) {}
  TORCH_ARG(int64_t, observation_size);
  TORCH_ARG(int64_t, action_size);
  TORCH_ARG(std::vector<int64_t>, hidden_sizes) = std::vector<int64_t>{32, 32};
  TORCH_ARG(Activation, activation) = Activation::tanh;
  // > 0: actions are action_bound · tanh(output), inside [−bound, bound]; 0: linear output.
  TORCH_ARG(double, action_bound) = 0.0;
  TORCH_ARG(double, observation_clip) = 0.0;

 public:  // TORCH_ARG leaves the section private
  // Reads hidden_sizes, activation, action_bound and observation_clip from a config
  // section; the sizes come from the environment.
  static MlpPolicyOptions from_config(ConfigReader& reader, int64_t observation_size, int64_t action_size);
};

// A multilayer perceptron on normalised observations: hidden layers with the activation,
// then a linear output (squashed by tanh to ±action_bound when bounded). Weights are
// drawn like torch::nn::Linear's (uniform ±1/√fan_in) from the generator given, or from
// LibTorch's global one; float64.
class MlpPolicyImpl : public PolicyImpl {
 public:
  explicit MlpPolicyImpl(const MlpPolicyOptions& options, std::optional<at::Generator> generator = std::nullopt);

  MlpPolicyOptions options;

 protected:
  torch::Tensor act(const ParameterBatch& parameters, const torch::Tensor& observations) const override;
  std::string torchscript_act() const override;
  std::string export_name() const override { return "MlpPolicy"; }

 private:
  int64_t layers() const { return static_cast<int64_t>(options.hidden_sizes().size()) + 1; }
};
TORCH_MODULE(MlpPolicy);

}  // namespace diffctl
