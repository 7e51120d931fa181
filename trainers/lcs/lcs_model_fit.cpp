#include "trainers/lcs/lcs_model_fit.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace diffctl {

LcsFitOptions LcsFitOptions::from_config(ConfigReader& reader) {
  LcsFitOptions o;
  o.steps = reader.integer("fit_steps", o.steps, 1);
  o.batch_size = reader.integer("batch_size", o.batch_size, 1);
  o.learning_rate = reader.number("learning_rate", o.learning_rate, 0.0, true);
  o.fit_mu_start = reader.number("fit_mu_start", o.fit_mu_start, 0.0, true);
  o.fit_mu = reader.number("fit_mu", o.fit_mu, 0.0, true, o.fit_mu_start);
  return o;
}

std::vector<double> fit_lcs_model(LCSLayerImpl& model, const Transitions& data, const LcsFitOptions& options,
                                  at::Generator generator,
                                  const std::function<void(int64_t step, double loss)>& on_step) {
  const int64_t count = data.state.size(0);
  if (count < 1) throw InputError("model fit: no transitions");
  if (!data.state.isfinite().all().item<bool>() || !data.input.isfinite().all().item<bool>() ||
      !data.next_state.isfinite().all().item<bool>()) {
    throw InputError("model fit: transitions: expected finite states, inputs and next states");
  }
  lcp::SmoothingOptions smoothing = model.options.smoothing_options();
  smoothing.mode = lcp::SmoothingMode::constant;
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(options.learning_rate));
  std::vector<double> losses;
  losses.reserve(static_cast<size_t>(options.steps));
  const int64_t batch = std::min(options.batch_size, count);
  const double ramp_steps = std::max(1.0, 0.5 * static_cast<double>(options.steps));
  for (int64_t step = 0; step < options.steps; ++step) {
    const double progress = std::min(1.0, static_cast<double>(step) / ramp_steps);
    const auto fit_mu =
        torch::full({}, options.fit_mu_start * std::pow(options.fit_mu / options.fit_mu_start, progress), torch::kFloat64);
    const auto rows = torch::randperm(count, generator, torch::kInt64).narrow(0, 0, batch);
    const auto predicted = lcs_step(model.matrices(), data.state.index_select(0, rows), data.input.index_select(0, rows),
                                    fit_mu, smoothing)
                               .next_state;
    const auto loss = 0.5 * (predicted - data.next_state.index_select(0, rows)).square().sum(1).mean();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    // A step that leaves a parameter non-finite (too large a learning rate) has diverged as
    // surely as a non-finite loss: the next solve could not run on it.
    bool finite = true;
    for (const auto& parameter : model.parameters()) finite = finite && parameter.isfinite().all().item<bool>();
    losses.push_back(finite ? loss.item<double>() : std::numeric_limits<double>::quiet_NaN());
    if (on_step) on_step(step + 1, losses.back());
    if (!std::isfinite(losses.back())) break;
  }
  return losses;
}

LcsFitResult fit_lcs_model_with_restarts(const LCSLayerOptions& layer, const Transitions& data,
                                         const Transitions& judged_on, const LcsFitOptions& options,
                                         int64_t restarts, uint64_t seed,
                                         const std::function<void(int64_t restart, int64_t step, double loss)>& on_step) {
  LcsFitResult result;
  result.train_error = std::numeric_limits<double>::infinity();
  for (int64_t restart = 0; restart < restarts; ++restart) {
    LCSLayer candidate(layer, make_generator(derive_seed(seed, 2 * restart)));
    const auto losses = fit_lcs_model(*candidate, data, options, make_generator(derive_seed(seed, 2 * restart + 1)),
                                      [&](int64_t step, double loss) {
                                        if (on_step) on_step(restart, step, loss);
                                      });
    const double train_error = std::isfinite(losses.back())
                                   ? relative_error(predict_exact(*candidate, judged_on.state, judged_on.input).next_state,
                                                    judged_on.next_state)
                                   : std::numeric_limits<double>::infinity();
    result.train_errors.push_back(train_error);
    if (train_error < result.train_error) {
      result.train_error = train_error;
      result.final_loss = losses.back();
      result.model = candidate;
    }
  }
  return result;
}

LCSStep predict_exact(LCSLayerImpl& model, const torch::Tensor& state, const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  lcp::SmoothingOptions exact = model.options.smoothing_options();
  exact.mode = lcp::SmoothingMode::exact;
  return lcs_step(model.matrices(), state, input, torch::zeros({}, torch::kFloat64), exact);
}

double relative_error(const torch::Tensor& predicted, const torch::Tensor& actual) {
  return ((predicted - actual).norm() / actual.norm()).item<double>();
}

int64_t count_contact_modes(const torch::Tensor& lambda, double threshold) {
  const auto active = (lambda > threshold).to(torch::kInt64);
  return std::get<0>(torch::unique_dim(active, 0)).size(0);
}

double contact_mode_agreement(const torch::Tensor& true_lambda, const torch::Tensor& model_lambda, double threshold) {
  const int64_t contacts = true_lambda.size(1);
  if (contacts > 8) throw InputError("contact mode agreement: expected at most 8 contacts, got " + std::to_string(contacts));
  const auto truth = true_lambda > threshold, model = model_lambda > threshold;
  std::vector<int64_t> order(static_cast<size_t>(contacts));
  std::iota(order.begin(), order.end(), 0);
  double best = 0.0;
  do {
    const auto relabelled = model.index_select(1, torch::tensor(order, torch::kInt64));
    best = std::max(best, (relabelled == truth).all(1).to(torch::kFloat64).mean().item<double>());
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

}  // namespace diffctl
