#include "modules/ode_to_ode_flow.h"

#include "modules/euler_flow.h"
#include "modules/gate_networks.h"
#include "modules/orthogonal_flow.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"

#include <cmath>
#include <sstream>

namespace diffctl {

OdeToOdeFlowOptions OdeToOdeFlowOptions::from_config(ConfigReader& reader, int64_t width) {
  OdeToOdeFlowOptions options(width);
  options.flow_steps(reader.integer("flow_steps", options.flow_steps(), 1));
  options.gates(reader.integer("gates", options.gates(), 1));
  options.gate_width(reader.integer("gate_width", options.gate_width(), 1));
  return options;
}

OdeToOdeFlowImpl::OdeToOdeFlowImpl(const OdeToOdeFlowOptions& options_, std::optional<at::Generator> generator)
    : options(options_) {
  const int64_t n = options.width(), g = options.gates(), s = options.gate_width();
  if (n < 1 || options.flow_steps() < 1 || g < 1 || s < 1) {
    throw InputError("ode_to_ode flow: expected width, flow_steps, gates and gate_width >= 1");
  }
  const auto source = generator_or_global(generator);
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  flow_start = register_manifold_parameter(
      "flow_start", project_to_manifold(Manifold::orthogonal, torch::randn({n, n}, source, float64)), Manifold::orthogonal);
  bias = register_manifold_parameter("bias", torch::zeros({n}, float64), Manifold::free);
  gate_coefficients =
      register_manifold_parameter("gate_coefficients", torch::full({g}, 1.0 / static_cast<double>(g), float64), Manifold::free);
  gate_in_weight = register_manifold_parameter("gate_in_weight", torch::randn({g, s}, source, float64), Manifold::free);
  gate_in_bias = register_manifold_parameter("gate_in_bias", torch::randn({g, s}, source, float64), Manifold::free);
  // Entries of order 1/√(n s): b_ψ of order one at the start, as for the gated policy.
  gate_out = register_manifold_parameter(
      "gate_out", torch::randn({g, s, n, n}, source, float64) / std::sqrt(static_cast<double>(n * s)), Manifold::free);
}

torch::Tensor OdeToOdeFlowImpl::weights() const {
  const double step = 1.0 / static_cast<double>(options.flow_steps());
  const auto times = torch::arange(options.flow_steps(), torch::kFloat64) * step;
  const auto G = gated_matrices(gate_coefficients.unsqueeze(0), gate_in_weight.unsqueeze(0), gate_in_bias.unsqueeze(0),
                                gate_out.unsqueeze(0), times);
  return orthogonal_flow(flow_start.unsqueeze(0), G - G.transpose(-1, -2), step).squeeze(0);
}

torch::Tensor OdeToOdeFlowImpl::forward(const torch::Tensor& x) {
  return absolute_euler_flow(x.unsqueeze(0), weights().unsqueeze(0), bias.unsqueeze(0),
                             1.0 / static_cast<double>(options.flow_steps()))
      .back()
      .squeeze(0);
}

std::string OdeToOdeFlowImpl::export_to(torch::jit::Module& module) const {
  torch::NoGradGuard no_grad;
  module.register_buffer("flow_weights", weights().contiguous());
  module.register_buffer("flow_bias", bias.detach().clone());
  std::ostringstream lines;
  lines.precision(17);
  lines << "    for i in range(" << options.flow_steps() << "):\n"
        << "        x = x + " << 1.0 / static_cast<double>(options.flow_steps())
        << " * torch.abs(torch.addmm(self.flow_bias, x, self.flow_weights[i].t()))\n";
  return lines.str();
}

}  // namespace diffctl
