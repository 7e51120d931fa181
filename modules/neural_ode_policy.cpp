#include "modules/neural_ode_policy.h"

#include "modules/linear_initialization.h"
#include "modules/euler_flow.h"
#include "modules/neural_ode_flow.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

NeuralOdePolicyOptions NeuralOdePolicyOptions::from_config(ConfigReader& reader, NeuralOdeKind kind,
                                                           int64_t observation_size, int64_t action_size) {
  NeuralOdePolicyOptions options(kind, observation_size, action_size);
  options.hidden_size(reader.integer("hidden_size", options.hidden_size(), 1));
  options.flow_steps(reader.integer("flow_steps", options.flow_steps(), 1));
  if (kind == NeuralOdeKind::nanode) options.degree(reader.integer("degree", options.degree(), 0));
  if (kind == NeuralOdeKind::hypernet) options.hypernet_width(reader.integer("hypernet_width", options.hypernet_width(), 1));
  return options;
}

NeuralOdePolicyImpl::NeuralOdePolicyImpl(const NeuralOdePolicyOptions& options_, std::optional<at::Generator> generator)
    : PolicyImpl(options_.observation_size(), options_.action_size(),
                 ObservationNormalizerOptions(options_.observation_size())),
      options(options_) {
  const int64_t n = options.hidden_size(), d = options.observation_size(), m = options.action_size();
  const int64_t N = options.flow_steps();
  if (n < 1) throw InputError("hidden_size: expected an integer >= 1, got " + std::to_string(n));
  if (N < 1) throw InputError("flow_steps: expected an integer >= 1, got " + std::to_string(N));
  if (options.degree() < 0) throw InputError("degree: expected an integer >= 0, got " + std::to_string(options.degree()));
  if (options.hypernet_width() < 1) {
    throw InputError("hypernet_width: expected an integer >= 1, got " + std::to_string(options.hypernet_width()));
  }
  const auto source = generator_or_global(generator);
  auto uniform = [&](std::vector<int64_t> shape, int64_t fan_in) { return linear_uniform(shape, fan_in, source); };
  auto free = [&](const std::string& name, torch::Tensor value) { register_policy_parameter(name, value, Manifold::free); };
  free("embed_weight", uniform({n, d}, d));
  free("embed_bias", uniform({n}, d));
  switch (options.kind()) {
    case NeuralOdeKind::deep_resnet:
      free("layer_weight", uniform({N, n, n}, n));
      free("layer_bias", uniform({N, n}, n));
      break;
    case NeuralOdeKind::base_ode:
      for (int layer = 1; layer <= 3; ++layer) {
        free("field_weight" + std::to_string(layer), uniform({n, n}, n));
        free("field_bias" + std::to_string(layer), uniform({n}, n));
      }
      break;
    case NeuralOdeKind::nanode:
      // W(t) = A₀ + Σ_k A_k cos(2πkt) + B_k sin(2πkt): 2D + 1 coefficient matrices.
      free("trig_coefficients", uniform({2 * options.degree() + 1, n, n}, n * (2 * options.degree() + 1)));
      free("main_bias", uniform({n}, n));
      break;
    case NeuralOdeKind::hypernet: {
      const int64_t s = options.hypernet_width();
      free("hyper_start", uniform({n * n}, n));
      free("hyper_weight1", uniform({s, n * n}, n * n));
      free("hyper_bias1", uniform({s}, n * n));
      free("hyper_weight2", uniform({s, s}, s));
      free("hyper_bias2", uniform({s}, s));
      free("hyper_weight3", uniform({n * n, s}, s));
      free("hyper_bias3", uniform({n * n}, s));
      free("main_bias", uniform({n}, n));
      break;
    }
  }
  free("readout_weight", uniform({m, n}, n));
  free("readout_bias", uniform({m}, n));
}

double NeuralOdePolicyImpl::step() const {
  return options.kind() == NeuralOdeKind::deep_resnet ? 1.0 : 1.0 / static_cast<double>(options.flow_steps());
}

std::string NeuralOdePolicyImpl::export_name() const {
  switch (options.kind()) {
    case NeuralOdeKind::deep_resnet: return "DeepResNetPolicy";
    case NeuralOdeKind::base_ode: return "BaseOdePolicy";
    case NeuralOdeKind::nanode: return "NanodePolicy";
    case NeuralOdeKind::hypernet: return "HyperNetPolicy";
  }
  return "NeuralOdePolicy";
}

ParameterBatch NeuralOdePolicyImpl::derive(const ParameterBatch& parameters) const {
  const int64_t n = options.hidden_size(), N = options.flow_steps();
  ParameterBatch prepared = parameters;
  switch (options.kind()) {
    case NeuralOdeKind::base_ode:
      return prepared;
    case NeuralOdeKind::deep_resnet:
      prepared.insert("flow", parameters["layer_weight"]);
      prepared.insert("flow_bias", parameters["layer_bias"]);
      return prepared;
    case NeuralOdeKind::nanode:
      prepared.insert("flow", trigonometric_weights(parameters["trig_coefficients"], N));
      break;
    case NeuralOdeKind::hypernet: {
      // Euler on dw/dt = g(w), g(w) = V₃ |V₂ |V₁ w + c₁| + c₂| + c₃; W(t_i) = the state at t_i.
      const double h = step();
      torch::Tensor w = parameters["hyper_start"];  // (K, n²)
      auto layer = [&](const torch::Tensor& x, int index) {
        const auto suffix = std::to_string(index);
        return torch::baddbmm(parameters["hyper_bias" + suffix].unsqueeze(1), x.unsqueeze(1),
                              parameters["hyper_weight" + suffix].transpose(1, 2))
            .squeeze(1);
      };
      std::vector<torch::Tensor> states;
      for (int64_t i = 0; i < N; ++i) {
        states.push_back(w.view({-1, n, n}));
        w = w + h * layer(torch::abs(layer(torch::abs(layer(w, 1)), 2)), 3);
      }
      prepared.insert("flow", torch::stack(states, 1));
      break;
    }
  }
  const auto bias = parameters["main_bias"];
  prepared.insert("flow_bias", bias.unsqueeze(1).expand({bias.size(0), N, n}).contiguous());
  return prepared;
}

torch::Tensor NeuralOdePolicyImpl::act(const ParameterBatch& prepared, const torch::Tensor& observations) const {
  auto linear = [&](const torch::Tensor& x, const std::string& weight, const std::string& bias) {
    return torch::baddbmm(prepared[bias].unsqueeze(1), x, prepared[weight].transpose(1, 2));
  };
  const double h = step();
  torch::Tensor x = linear(observations, "embed_weight", "embed_bias");
  if (options.kind() != NeuralOdeKind::base_ode) {
    x = absolute_euler_flow(x, prepared["flow"], prepared["flow_bias"], h).back();
  }
  for (int64_t i = 0; options.kind() == NeuralOdeKind::base_ode && i < options.flow_steps(); ++i) {
    const auto hidden = torch::abs(linear(torch::abs(linear(x, "field_weight1", "field_bias1")), "field_weight2",
                                          "field_bias2"));
    x = x + h * linear(hidden, "field_weight3", "field_bias3");
  }
  return linear(x, "readout_weight", "readout_bias");
}

std::string NeuralOdePolicyImpl::torchscript_act() const {
  std::ostringstream source;
  source.precision(17);
  source << "def act(self, x: Tensor) -> Tensor:\n"
         << "    x = torch.addmm(self.embed_bias, x, self.embed_weight.t())\n"
         << "    for i in range(" << options.flow_steps() << "):\n";
  if (options.kind() == NeuralOdeKind::base_ode) {
    source << "        z = torch.abs(torch.addmm(self.field_bias1, x, self.field_weight1.t()))\n"
           << "        z = torch.abs(torch.addmm(self.field_bias2, z, self.field_weight2.t()))\n"
           << "        x = x + " << step() << " * torch.addmm(self.field_bias3, z, self.field_weight3.t())\n";
  } else {
    source << "        x = x + " << step() << " * torch.abs(torch.addmm(self.flow_bias[i], x, self.flow[i].t()))\n";
  }
  source << "    return torch.addmm(self.readout_bias, x, self.readout_weight.t())\n";
  return source.str();
}

}  // namespace diffctl
