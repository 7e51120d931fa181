#include "modules/ode_to_ode_inference.h"

#include "src/error.h"

#include <Eigen/Core>

namespace diffctl {

namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<const RowMajorMatrix>;
using VectorView = Eigen::Map<const Eigen::VectorXd>;

}  // namespace

bool ode_to_ode_act_cpu_applies(std::initializer_list<torch::Tensor> tensors) {
  if (torch::GradMode::is_enabled()) return false;
  for (const auto& tensor : tensors) {
    if (!tensor.device().is_cpu() || tensor.scalar_type() != torch::kFloat64) return false;
  }
  return true;
}

torch::Tensor ode_to_ode_act_cpu(const torch::Tensor& observations, const torch::Tensor& input, bool input_transposed,
                                 const torch::Tensor& flow, const torch::Tensor& bias,
                                 const torch::Tensor& output_frame, double step) {
  const int64_t copies = observations.size(0), batch = observations.size(1), d = observations.size(2);
  const int64_t steps = flow.size(1), n = flow.size(2), m = output_frame.size(2);
  const bool fits = observations.dim() == 3 && input.size(0) == copies && flow.size(0) == copies &&
                    bias.size(0) == copies && output_frame.size(0) == copies &&
                    input.size(input_transposed ? 1 : 2) == d && input.size(input_transposed ? 2 : 1) == n &&
                    bias.size(1) == n && output_frame.size(1) == n;
  if (!fits) {
    throw Error("ODEtoODE policy: observations of shape " + c10::str(observations.sizes()) + " for " +
                     std::to_string(input.size(0)) + " parameter copies taking " +
                     std::to_string(input.size(input_transposed ? 1 : 2)) + " observation components");
  }
  const auto s_all = observations.contiguous(), input_all = input.contiguous(), flow_all = flow.contiguous(),
             bias_all = bias.contiguous(), output_all = output_frame.contiguous();
  auto actions = torch::empty({copies, batch, m}, observations.options());
  double* action = actions.data_ptr<double>();
  Eigen::VectorXd x(n), y(n);
  for (int64_t k = 0; k < copies; ++k) {
    const double* omega = input_all.data_ptr<double>() + k * n * d;
    const double* weights = flow_all.data_ptr<double>() + k * steps * n * n;
    const VectorView b(bias_all.data_ptr<double>() + k * n, n);
    const MatrixView omega_out(output_all.data_ptr<double>() + k * n * m, n, m);
    for (int64_t row = 0; row < batch; ++row) {
      const VectorView s(s_all.data_ptr<double>() + (k * batch + row) * d, d);
      if (input_transposed) {
        x.noalias() = MatrixView(omega, d, n).transpose() * s;
      } else {
        x.noalias() = MatrixView(omega, n, d) * s;
      }
      for (int64_t i = 0; i < steps; ++i) {
        y.noalias() = MatrixView(weights + i * n * n, n, n) * x;
        x += step * (y + b).cwiseAbs();
      }
      Eigen::Map<Eigen::VectorXd>(action + (k * batch + row) * m, m).noalias() = omega_out.transpose() * x;
    }
  }
  return actions;
}

}  // namespace diffctl
