// The smoothing modes of lcs-first-order-policy-gradient.md on the 1-D contact case:
// λ(z) = S(z) of λ(z + Fλ) = μ and dλ/dz (by the layer's backward) for exact, constant,
// contact-aware and randomized smoothing over a grid of z, from an LCSLayer with x = z.
//   smoothing.csv  z, lambda_<mode>, dlambda_dz_<mode> per mode, mu_contact_aware
//   summary.json   how far the analytic modes are from the exact and randomized curves
// scripts/plot_runs.py turns smoothing.csv into smoothing.png.

#include "modules/lcs_layer.h"
#include "src/cli/run_options.h"
#include "src/config/config_reader.h"
#include "src/device.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "src/seeding.h"
#include "trainers/run_setup.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using diffctl::lcp::SmoothingMode;

struct Curve {
  torch::Tensor lambda;
  torch::Tensor slope;  // dλ/dz
};

// The 1-D LCS x⁺ = λ, z = x: D = 1, F = stiffness, everything else zero.
Curve curve_for(SmoothingMode mode, double mu, const diffctl::LCSLayerOptions& base, double stiffness,
                const torch::Tensor& z) {
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
  const diffctl::LCSStep step = layer->forward(x, torch::zeros_like(x));
  if (!step.summary.converged.all().item<bool>()) {
    throw diffctl::Error(diffctl::lcp::to_string(mode) + " smoothing: the LCP solver did not converge");
  }
  const torch::Tensor slope = torch::autograd::grad({step.lambda.sum()}, {x})[0];
  return {step.lambda.detach().squeeze(-1), slope.squeeze(-1)};
}

}  // namespace

int main(int argc, char** argv) {
  return diffctl::run_executable(
      argc, argv,
      "lcs_smoothing: lambda(z) and dlambda/dz of the 1-D contact LCP under exact, constant,\n"
      "contact-aware and randomized smoothing. Example:\n"
      "  build/bin/lcs_smoothing --config data/configs/lcs_smoothing_1d.json",
      [&](const diffctl::RunOptions& options) {
    if (options.resume) throw diffctl::InputError("--resume: lcs_smoothing has no checkpoints to resume");
    const torch::Device device = diffctl::parse_device(options.device);
    diffctl::ConfigReader reader(diffctl::load_run_config(options));
    const double stiffness = reader.number("stiffness", 1.0, 0.0, true);
    const double z_min = reader.number("z_min", -1.0);
    const double z_max = reader.number("z_max", 1.0);
    const int64_t points = reader.integer("points", 201, 2, 1000000);
    const double mu = reader.number("mu", 0.01, 0.0, true);
    diffctl::LCSLayerOptions base(1, 1, 1);
    base.sigma(reader.number("sigma", 0.1, 0.0, true));
    base.c1(reader.number("c1", 0.0));
    base.c2(reader.number("c2", 0.0));
    base.samples(reader.integer("samples", 1000, 1, 1000000));
    const int64_t seed = reader.integer("seed", 0, 0);
    reader.finish();
    if (!(z_max > z_min)) {
      throw diffctl::InputError("z_max: expected a number > z_min = " + std::to_string(z_min) + ", got " +
                                std::to_string(z_max));
    }

    const std::string run_dir = diffctl::choose_run_directory(options);
    diffctl::require_fresh_run_directory(run_dir);
    const auto start = std::chrono::steady_clock::now();
    diffctl::seed_globally(static_cast<uint64_t>(seed));
    const torch::Tensor z = torch::linspace(z_min, z_max, points, torch::TensorOptions(torch::kFloat64).device(device));
    const Curve exact = curve_for(SmoothingMode::exact, 0.0, base, stiffness, z);
    const Curve constant = curve_for(SmoothingMode::constant, mu, base, stiffness, z);
    const Curve contact_aware = curve_for(SmoothingMode::contact_aware, 0.0, base, stiffness, z);
    const Curve randomized = curve_for(SmoothingMode::randomized, 0.0, base, stiffness, z);
    const torch::Tensor contact_aware_mu = diffctl::lcp::contact_aware_centering(
        z, torch::full_like(z, stiffness), base.smoothing_options());

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
    for (int64_t i = 0; i < points; ++i) {
      for (int64_t j = 0; j < table.size(1); ++j) csv << (j ? "," : "") << rows[i][j];
      csv << '\n';
    }
    auto max_gap = [](const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); };
    const double wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::json summary{
        {"constant_max_lambda_bias", max_gap(constant.lambda, exact.lambda)},
        {"contact_aware_max_lambda_bias", max_gap(contact_aware.lambda, exact.lambda)},
        {"contact_aware_vs_randomized_max_lambda_gap", max_gap(contact_aware.lambda, randomized.lambda)},
        {"contact_aware_vs_randomized_max_slope_gap", max_gap(contact_aware.slope, randomized.slope)},
        {"contact_aware_mu_max", contact_aware_mu.max().item<double>()},
        {"contact_aware_mu_at_z_min", contact_aware_mu[0].item<double>()},
        {"contact_aware_mu_at_z_max", contact_aware_mu[-1].item<double>()},
        {"exact_slope_min", exact.slope.min().item<double>()},
        {"exact_slope_max", exact.slope.max().item<double>()},
        {"wall_time_s", wall_time_s}};
    diffctl::open_run_directory(run_dir, reader.resolved(), false);
    diffctl::write_text_atomically((fs::path(run_dir) / "smoothing.csv").string(), csv.str());
    diffctl::write_text_atomically((fs::path(run_dir) / "summary.json").string(), summary.dump(2) + "\n");
    std::cout << "run directory: " << run_dir << "\n" << summary.dump(2) << std::endl;
  });
}
