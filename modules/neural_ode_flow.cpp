#include "modules/neural_ode_flow.h"

#include "modules/linear_initialization.h"
#include "modules/euler_flow.h"
#include "modules/gate_networks.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

NeuralOdeFlowOptions NeuralOdeFlowOptions::from_config(ConfigReader& reader, NeuralOdeFlowKind kind, int64_t width) {
  NeuralOdeFlowOptions options(kind, width);
  options.flow_steps(reader.integer("flow_steps", options.flow_steps(), 1));
  if (kind == NeuralOdeFlowKind::nanode) options.degree(reader.integer("degree", options.degree(), 0));
  if (kind == NeuralOdeFlowKind::hypernet) {
    options.gates(reader.integer("gates", options.gates(), 1));
    options.gate_width(reader.integer("gate_width", options.gate_width(), 1));
  }
  return options;
}

torch::Tensor trigonometric_weights(const torch::Tensor& coefficients, int64_t steps) {
  const int64_t D = (coefficients.size(1) - 1) / 2;
  const auto real = coefficients.options();
  const auto t = torch::arange(steps, real).unsqueeze(1) / static_cast<double>(steps);
  const auto k = torch::arange(1, D + 1, real).unsqueeze(0);
  const auto basis = torch::cat({torch::ones({steps, 1}, real), torch::cos(2 * M_PI * k * t), torch::sin(2 * M_PI * k * t)}, 1);
  return torch::einsum("ic,kcab->kiab", {basis, coefficients});
}

NeuralOdeFlowImpl::NeuralOdeFlowImpl(const NeuralOdeFlowOptions& options_, std::optional<at::Generator> generator)
    : options(options_) {
  const int64_t n = options.width();
  if (n < 1 || options.flow_steps() < 1 || options.degree() < 0 || options.gates() < 1 || options.gate_width() < 1) {
    throw InputError("neural ODE flow: expected width, flow_steps, gates, gate_width >= 1 and degree >= 0");
  }
  const auto source = generator_or_global(generator);
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  auto uniform = [&](std::vector<int64_t> shape, int64_t fan_in) { return linear_uniform(shape, fan_in, source); };
  auto free = [&](const std::string& name, torch::Tensor value) { register_manifold_parameter(name, value, Manifold::free); };
  switch (options.kind()) {
    case NeuralOdeFlowKind::node:
      for (int layer = 1; layer <= 3; ++layer) {
        free("field_weight" + std::to_string(layer), uniform({n, n}, n));
        free("field_bias" + std::to_string(layer), uniform({n}, n));
      }
      break;
    case NeuralOdeFlowKind::nanode: {
      const int64_t terms = 2 * options.degree() + 1;
      free("trig_coefficients", uniform({terms, n, n}, n * terms));
      free("bias", uniform({n}, n));
      break;
    }
    case NeuralOdeFlowKind::hypernet: {
      const int64_t g = options.gates(), s = options.gate_width();
      free("gate_coefficients", torch::full({g}, 1.0 / static_cast<double>(g), float64));
      free("gate_in_weight", torch::randn({g, s}, source, float64));
      free("gate_in_bias", torch::randn({g, s}, source, float64));
      free("gate_out", torch::randn({g, s, n, n}, source, float64) / std::sqrt(static_cast<double>(n * s)));
      free("bias", uniform({n}, n));
      break;
    }
  }
}

torch::Tensor NeuralOdeFlowImpl::weights() const {
  switch (options.kind()) {
    case NeuralOdeFlowKind::nanode:
      return trigonometric_weights(parameter("trig_coefficients").unsqueeze(0), options.flow_steps()).squeeze(0);
    case NeuralOdeFlowKind::hypernet: {
      const auto times = torch::arange(options.flow_steps(), torch::kFloat64) * step();
      return gated_matrices(parameter("gate_coefficients").unsqueeze(0), parameter("gate_in_weight").unsqueeze(0),
                            parameter("gate_in_bias").unsqueeze(0), parameter("gate_out").unsqueeze(0), times)
          .squeeze(0);
    }
    case NeuralOdeFlowKind::node: break;
  }
  throw Error("NeuralOdeFlow::weights: the NODE's field does not depend on time");
}

torch::Tensor NeuralOdeFlowImpl::forward(const torch::Tensor& x) {
  if (options.kind() != NeuralOdeFlowKind::node) {
    return absolute_euler_flow(x.unsqueeze(0), weights().unsqueeze(0), parameter("bias").unsqueeze(0), step())
        .back()
        .squeeze(0);
  }
  auto linear = [&](const torch::Tensor& input, int layer) {
    const auto suffix = std::to_string(layer);
    return torch::addmm(parameter("field_bias" + suffix), input, parameter("field_weight" + suffix).t());
  };
  torch::Tensor state = x;
  for (int64_t i = 0; i < options.flow_steps(); ++i) {
    state = state + step() * linear(torch::abs(linear(torch::abs(linear(state, 1)), 2)), 3);
  }
  return state;
}

std::string NeuralOdeFlowImpl::export_to(torch::jit::Module& module) const {
  torch::NoGradGuard no_grad;
  std::ostringstream lines;
  lines.precision(17);
  lines << "    for i in range(" << options.flow_steps() << "):\n";
  if (options.kind() == NeuralOdeFlowKind::node) {
    for (int layer = 1; layer <= 3; ++layer) {
      const auto suffix = std::to_string(layer);
      module.register_buffer("flow_weight" + suffix, parameter("field_weight" + suffix).detach().clone());
      module.register_buffer("flow_bias" + suffix, parameter("field_bias" + suffix).detach().clone());
    }
    lines << "        z = torch.abs(torch.addmm(self.flow_bias1, x, self.flow_weight1.t()))\n"
          << "        z = torch.abs(torch.addmm(self.flow_bias2, z, self.flow_weight2.t()))\n"
          << "        x = x + " << step() << " * torch.addmm(self.flow_bias3, z, self.flow_weight3.t())\n";
  } else {
    module.register_buffer("flow_weights", weights().contiguous());
    module.register_buffer("flow_bias", parameter("bias").detach().clone());
    lines << "        x = x + " << step() << " * torch.abs(torch.addmm(self.flow_bias, x, self.flow_weights[i].t()))\n";
  }
  return lines.str();
}

}  // namespace diffctl
