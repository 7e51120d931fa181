// How smoothing trades the variance of the first-order policy gradient for bias
// (lcs-first-order-policy-gradient.md, Propositions 3.4, 3.5 and 4.3), measured on the true
// system of a contact task (contact_task, default the cart-pole with soft walls) for a fixed
// policy (the task's LQR baseline): per smoothing mode,
// smoothing strength and horizon H, B independent gradient estimates, each over M model
// rollouts with reparameterized exploration, give
//   variance  the trace of their covariance (v_n of Theorem 3.2, at M rollouts), and
//   bias      ‖their mean − the reference‖ (b_n), the reference being the mean of many
//             exact-mode estimates on independent rollouts: with exploration noise the true
//             objective is smooth and the exact LCS is Lipschitz, so its pathwise gradient is
//             unbiased.
// The smoothing strength is μ for constant smoothing and σ for contact-aware (μ(z) of
// Proposition 4.2) and randomized smoothing. `bias_floor` is the bias a perfectly unbiased
// estimator would show from sampling alone (√(variance/B + reference variance/R)); the
// exact mode is run as that control.
//   diagnostics.csv  mode, horizon, strength, variance, bias, bias_floor, gradient_norm
//   summary.json     per mode at the longest horizon: variance and bias at the weakest and
//                    the strongest smoothing
// scripts/plot_runs.py turns diagnostics.csv into diagnostics.png.

#include "data/envs/contact_task.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"
#include "src/training/progress_bar.h"
#include "trainers/fopg/fopg_objective.h"
#include "trainers/framework/experiment.h"

#include <torch/torch.h>

#include <algorithm>
#include <sstream>

namespace {

using namespace diffctl;

struct GradientStatistics {
  torch::Tensor mean;  // (D)
  double variance;     // trace of the covariance of one estimate
};

class FopgDiagnostics : public Experiment {
 public:
  FopgDiagnostics(ConfigReader& reader, torch::Device device) {
    if (!device.is_cpu()) throw InputError("--device: fopg_diagnostics runs on the CPU, got " + device.str());
    task_ = make_contact_task(reader.choice("contact_task", "cartpole_soft_walls", contact_task_names()),
                              reader.value("contact_task_options", nlohmann::json::object()),
                              reader.path_of("contact_task_options"));
    const auto modes = reader.choices("modes", {"constant", "contact_aware", "randomized"},
                                      {"constant", "contact_aware", "randomized"});
    for (const auto& mode : modes) modes_.push_back(enum_value(lcp::kSmoothingModeNames, mode, "modes"));
    mu_values_ = positive_list(reader, "mu_values", {1e-5, 1e-4, 1e-3, 1e-2});
    sigma_values_ = positive_list(reader, "sigma_values", {0.003, 0.01, 0.03, 0.1});
    const auto horizons = positive_list(reader, "horizons", {25, 50, 100});
    for (double h : horizons) {
      if (h != std::floor(h)) throw InputError(reader.path_of("horizons") + ": expected integers >= 1");
      horizons_.push_back(static_cast<int64_t>(h));
    }
    std::sort(horizons_.begin(), horizons_.end());
    rollouts_ = reader.integer("rollouts", 16, 1);
    batches_ = reader.integer("batches", 32, 2);
    reference_batches_ = reader.integer("reference_batches", 256, 2);
    options_.discount = reader.number("discount", 0.99, 0.0, true, 1.0);
    options_.exploration_noise = reader.number("exploration_noise", 0.1, 0.0);
    samples_ = reader.integer("samples", 16, 1);
    seed_ = static_cast<uint64_t>(reader.integer("seed", 0, 0));
  }

  bool resumable() const override { return false; }

  nlohmann::json run(RunSink& sink, bool, bool quiet) override {
    policy_ = task_.lqr_policy();

    int64_t cells = 0;
    for (auto mode : modes_) cells += static_cast<int64_t>(strengths(mode).size());
    ProgressBar progress(static_cast<int64_t>(horizons_.size()) * (1 + cells), !quiet);
    int64_t done = 0;
    std::ostringstream csv;
    csv.precision(10);
    csv << "mode,horizon,strength,variance,bias,bias_floor,gradient_norm\n";
    nlohmann::json summary = {
        {"contact_task", task_.name}, {"policy", "lqr_baseline"}, {"rollouts", rollouts_}, {"batches", batches_}};
    for (const int64_t horizon : horizons_) {
      // The reference: exact-mode estimates on rollouts independent of those evaluated.
      const GradientStatistics reference =
          statistics(lcp::SmoothingMode::exact, 0.0, horizon, reference_batches_, derive_seed(seed_, 1));
      // The exact mode on the evaluated rollouts: the control whose bias is sampling alone.
      const GradientStatistics exact = statistics(lcp::SmoothingMode::exact, 0.0, horizon, batches_, seed_);
      write_row(csv, lcp::SmoothingMode::exact, horizon, 0.0, exact, reference);
      progress.update(++done, "H " + std::to_string(horizon));
      for (auto mode : modes_) {
        nlohmann::json points = nlohmann::json::array();
        for (double strength : strengths(mode)) {
          const GradientStatistics smoothed = statistics(mode, strength, horizon, batches_, seed_);
          const nlohmann::json row = write_row(csv, mode, horizon, strength, smoothed, reference);
          points.push_back(row);
          progress.update(++done, lcp::to_string(mode));
        }
        if (horizon == horizons_.back()) {
          summary[lcp::to_string(mode)] = {{"horizon", horizon},
                                           {"weakest", points.front()},
                                           {"strongest", points.back()},
                                           {"variance_falls", points.back()["variance"] < points.front()["variance"]},
                                           {"bias_grows", points.back()["bias"] > points.front()["bias"]}};
        }
      }
      if (horizon == horizons_.back()) {
        summary["exact"] = write_row(csv, lcp::SmoothingMode::exact, horizon, 0.0, exact, reference, false);
      }
    }
    progress.finish();
    sink.write_text("diagnostics.csv", csv.str());
    return summary;
  }

 private:
  static std::vector<double> positive_list(ConfigReader& reader, const std::string& key,
                                           const std::vector<double>& defaults) {
    auto values = reader.numbers(key, defaults);
    if (*std::min_element(values.begin(), values.end()) <= 0.0) {
      throw InputError(reader.path_of(key) + ": expected numbers > 0");
    }
    std::sort(values.begin(), values.end());
    return values;
  }

  const std::vector<double>& strengths(lcp::SmoothingMode mode) const {
    return mode == lcp::SmoothingMode::constant ? mu_values_ : sigma_values_;
  }

  // `batches` estimates of ∇J, each from `rollouts_` model rollouts; batch b draws its
  // initial states and exploration from derive_seed(stream, b), so every mode is measured
  // on the same rollouts (common random numbers).
  GradientStatistics statistics(lcp::SmoothingMode mode, double strength, int64_t horizon, int64_t batches,
                                uint64_t stream) {
    LCSLayerOptions layer(task_.state_size(), task_.input_size(), task_.contact_size());
    layer.smoothing(mode).samples(samples_).learnable(false);
    if (mode == lcp::SmoothingMode::constant) layer.mu(strength);
    if (mode == lcp::SmoothingMode::contact_aware || mode == lcp::SmoothingMode::randomized) layer.sigma(strength);
    const LcsDynamics model(LCSLayer(layer, task_.matrices), make_generator(derive_seed(stream, 1u << 30)));
    ModelRolloutOptions rollout = options_;
    rollout.horizon = horizon;
    std::vector<torch::Tensor> gradients;
    for (int64_t b = 0; b < batches; ++b) {
      auto generator = make_generator(derive_seed(stream, static_cast<uint64_t>(b)));
      const auto initial = task_.initial_states(rollouts_, generator);
      const auto exploration = torch::randn({horizon, rollouts_, task_.input_size()}, generator, torch::kFloat64);
      const auto objective = model_rollout_costs(model, *policy_, initial, exploration, task_.cost, rollout).mean();
      if (!torch::isfinite(objective).item<bool>()) {
        throw Error(lcp::to_string(mode) + " smoothing: a model rollout of the LQR policy diverged");
      }
      gradients.push_back(torch::autograd::grad({objective}, {policy_->gain})[0].flatten());
    }
    const auto stacked = torch::stack(gradients);
    return {stacked.mean(0), stacked.var(0).sum().item<double>()};
  }

  nlohmann::json write_row(std::ostringstream& csv, lcp::SmoothingMode mode, int64_t horizon, double strength,
                           const GradientStatistics& estimate, const GradientStatistics& reference,
                           bool write = true) const {
    const double bias = (estimate.mean - reference.mean).norm().item<double>();
    const double floor = std::sqrt(estimate.variance / static_cast<double>(batches_) +
                                   reference.variance / static_cast<double>(reference_batches_));
    const double norm = estimate.mean.norm().item<double>();
    if (write) {
      csv << lcp::to_string(mode) << ',' << horizon << ',' << strength << ',' << estimate.variance << ',' << bias << ','
          << floor << ',' << norm << '\n';
    }
    return {{"strength", strength}, {"variance", estimate.variance}, {"bias", bias}, {"bias_floor", floor},
            {"gradient_norm", norm}};
  }

  std::vector<lcp::SmoothingMode> modes_;
  std::vector<double> mu_values_, sigma_values_;
  std::vector<int64_t> horizons_;
  int64_t rollouts_, batches_, reference_batches_, samples_;
  ModelRolloutOptions options_;
  uint64_t seed_;
  LinearPolicy policy_{nullptr};
  ContactTask task_;
};

}  // namespace

int main(int argc, char** argv) {
  return run_experiment_main(argc, argv,
                             "fopg_diagnostics: variance and bias of the first-order policy gradient through the\n"
                             "cart-pole with soft walls, per smoothing mode, against the smoothing strength and H.\n"
                             "  build/bin/fopg_diagnostics --config data/configs/fopg_diagnostics.json",
                             [](ConfigReader& config, torch::Device device) {
                               return std::make_unique<FopgDiagnostics>(config, device);
                             });
}
