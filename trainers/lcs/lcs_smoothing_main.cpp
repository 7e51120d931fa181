// The smoothing modes of lcs-first-order-policy-gradient.md on the 1-D contact case:
// λ(z) = S(z) of λ(z + Fλ) = μ and dλ/dz (by the layer's backward) for exact, constant,
// contact-aware and randomized smoothing over a grid of z, from an LCSLayer with x = z.
//   smoothing.csv  z, lambda_<mode>, dlambda_dz_<mode> per mode, mu_contact_aware
//   summary.json   how far the analytic modes are from the exact and randomized curves
// scripts/plot_runs.py turns smoothing.csv into smoothing.png.

#include "modules/lcs_layer.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"
#include "trainers/framework/experiment.h"

#include <torch/torch.h>

#include <chrono>
#include <sstream>

namespace {

using diffctl::lcp::SmoothingMode;

struct Curve {
  torch::Tensor lambda;
  torch::Tensor slope;  // dλ/dz
};

// The 1-D LCS x⁺ = λ, z = x: D = 1, F = stiffness, everything else zero.
Curve curve_for(SmoothingMode mode, double mu, const diffctl::LCSLayerOptions& base, double stiffness,
                const torch::Tensor& z, at::Generator noise) {
  const auto options = z.options();
  const auto zero = [&](int64_t rows, int64_t columns) { return torch::zeros({rows, columns}, options); };
  const diffctl::LCSMatrices matrices{zero(1, 1), zero(1, 1), torch::ones({1, 1}, options),
                                      torch::ones({1, 1}, options), zero(1, 1),
                                      torch::full({1, 1}, stiffness, options), torch::zeros({1}, options),
                                      torch::zeros({1}, options)};
  diffctl::LCSLayerOptions layer_options = base;
  layer_options.smoothing(mode).mu(mu).learnable(false);
  diffctl::LCSLayer layer(layer_options, matrices);
  layer->to(z.device());
  const torch::Tensor x = z.unsqueeze(-1).clone().requires_grad_();
  const diffctl::LCSStep step = layer->forward(x, torch::zeros_like(x), noise);
  if (!step.summary.converged.all().item<bool>()) {
    throw diffctl::Error(diffctl::lcp::to_string(mode) + " smoothing: the LCP solver did not converge");
  }
  const torch::Tensor slope = torch::autograd::grad({step.lambda.sum()}, {x})[0];
  return {step.lambda.detach().squeeze(-1), slope.squeeze(-1)};
}

class SmoothingCurves : public diffctl::Experiment {
 public:
  SmoothingCurves(diffctl::ConfigReader& reader, torch::Device device) : device_(device), base_(1, 1, 1) {
    stiffness_ = reader.number("stiffness", 1.0, 0.0, true);
    z_min_ = reader.number("z_min", -1.0);
    z_max_ = reader.number("z_max", 1.0);
    points_ = reader.integer("points", 201, 2, 1000000);
    mu_ = reader.number("mu", 0.01, 0.0, true);
    base_.sigma(reader.number("sigma", 0.1, 0.0, true));
    base_.c1(reader.number("c1", 0.0));
    base_.c2(reader.number("c2", 0.0));
    base_.samples(reader.integer("samples", 1000, 1, 1000000));
    seed_ = reader.integer("seed", 0, 0);
    if (!(z_max_ > z_min_)) {
      throw diffctl::InputError("z_max: expected a number > z_min = " + std::to_string(z_min_) + ", got " +
                                std::to_string(z_max_));
    }
  }

  bool resumable() const override { return false; }

  nlohmann::json run(diffctl::RunSink& sink, bool, bool) override {
    const auto start = std::chrono::steady_clock::now();
    const at::Generator noise = diffctl::make_generator(static_cast<uint64_t>(seed_));
    const torch::Tensor z = torch::linspace(z_min_, z_max_, points_, torch::TensorOptions(torch::kFloat64).device(device_));
    const Curve exact = curve_for(SmoothingMode::exact, 0.0, base_, stiffness_, z, noise);
    const Curve constant = curve_for(SmoothingMode::constant, mu_, base_, stiffness_, z, noise);
    const Curve contact_aware = curve_for(SmoothingMode::contact_aware, 0.0, base_, stiffness_, z, noise);
    const Curve randomized = curve_for(SmoothingMode::randomized, 0.0, base_, stiffness_, z, noise);
    const torch::Tensor contact_aware_mu = diffctl::lcp::contact_aware_centering(
        z, torch::full_like(z, stiffness_), base_.smoothing_options());

    std::ostringstream csv;
    csv.precision(12);
    csv << "z,lambda_exact,dlambda_dz_exact,lambda_constant,dlambda_dz_constant,lambda_contact_aware,"
           "dlambda_dz_contact_aware,lambda_randomized,dlambda_dz_randomized,mu_contact_aware\n";
    const torch::Tensor table = torch::stack({z, exact.lambda, exact.slope, constant.lambda, constant.slope,
                                              contact_aware.lambda, contact_aware.slope, randomized.lambda,
                                              randomized.slope, contact_aware_mu},
                                             1)
                                    .to(torch::kCPU);
    const auto rows = table.accessor<double, 2>();
    for (int64_t i = 0; i < points_; ++i) {
      for (int64_t j = 0; j < table.size(1); ++j) csv << (j ? "," : "") << rows[i][j];
      csv << '\n';
    }
    sink.write_text("smoothing.csv", csv.str());
    auto max_gap = [](const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); };
    return {{"constant_max_lambda_bias", max_gap(constant.lambda, exact.lambda)},
            {"contact_aware_max_lambda_bias", max_gap(contact_aware.lambda, exact.lambda)},
            {"contact_aware_vs_randomized_max_lambda_gap", max_gap(contact_aware.lambda, randomized.lambda)},
            {"contact_aware_vs_randomized_max_slope_gap", max_gap(contact_aware.slope, randomized.slope)},
            {"contact_aware_mu_max", contact_aware_mu.max().item<double>()},
            {"contact_aware_mu_at_z_min", contact_aware_mu[0].item<double>()},
            {"contact_aware_mu_at_z_max", contact_aware_mu[-1].item<double>()},
            {"exact_slope_min", exact.slope.min().item<double>()},
            {"exact_slope_max", exact.slope.max().item<double>()},
            {"wall_time_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
  }

 private:
  torch::Device device_;
  diffctl::LCSLayerOptions base_;
  double stiffness_, z_min_, z_max_, mu_;
  int64_t points_, seed_;
};

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_experiment_main(
      argc, argv,
      "lcs_smoothing: lambda(z) and dlambda/dz of the 1-D contact LCP under exact, constant,\n"
      "contact-aware and randomized smoothing. Example:\n"
      "  build/bin/lcs_smoothing --config data/configs/lcs_smoothing_1d.json",
      [](diffctl::ConfigReader& config, torch::Device device) {
        return std::make_unique<SmoothingCurves>(config, device);
      });
}
