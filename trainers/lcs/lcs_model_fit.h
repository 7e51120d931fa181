#pragma once

#include "data/lcs/random_lcs.h"
#include "modules/lcs_layer.h"

#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace diffctl {

class ConfigReader;

struct LcsFitOptions {
  int64_t steps = 2000;       // Adam steps
  int64_t batch_size = 256;   // transitions per step
  double learning_rate = 0.01;
  // The centering μ of constant smoothing while fitting: with μ > 0 every contact's impulse
  // is a smooth function of the parameters, so the loss reaches the contact terms of
  // samples whose contacts are inactive too (the exact LCP gives them zero gradient). μ
  // falls geometrically from fit_mu_start to fit_mu over the first half of the steps
  // (continuation: wide smoothing finds the contact geometry, small μ fits it exactly).
  double fit_mu_start = 0.1;
  double fit_mu = 1e-4;

  static LcsFitOptions from_config(ConfigReader& reader);
};

// Fits the learnable matrices of `model` to transitions by the prediction loss (3.1) of
// lcs-first-order-policy-gradient.md, L = ½ Σ ‖f(x, u) − x⁺‖², on minibatches (averaged),
// through the layer's implicit LCP backward. Calls on_step(step, loss) after each step
// (1-based) and returns the minibatch losses; stops early at a non-finite loss.
std::vector<double> fit_lcs_model(LCSLayerImpl& model, const Transitions& data, const LcsFitOptions& options,
                                  at::Generator generator,
                                  const std::function<void(int64_t step, double loss)>& on_step = {});

// Fits `restarts` models (LCSLayer(layer, ·) from different initialisations: restart r is
// initialised from make_generator(derive_seed(seed, 2r)) and draws its minibatches from
// make_generator(derive_seed(seed, 2r + 1))) and keeps the one whose exact LCS predicts `judged_on`
// best: the training transitions, or the part of them that matters to the caller (never
// held-out data). on_step(restart, step, loss).
struct LcsFitResult {
  LCSLayer model{nullptr};             // none if every restart diverged
  std::vector<double> train_errors;    // relative one-step error on judged_on per restart (+∞: diverged)
  double train_error = 0.0;            // the kept model's
  double final_loss = 0.0;             // the kept model's last minibatch loss
};
LcsFitResult fit_lcs_model_with_restarts(const LCSLayerOptions& layer, const Transitions& data,
                                         const Transitions& judged_on, const LcsFitOptions& options,
                                         int64_t restarts, uint64_t seed,
                                         const std::function<void(int64_t restart, int64_t step, double loss)>& on_step = {});

// One-step prediction of the model's exact LCS (μ = 0): x⁺ and λ for every transition.
LCSStep predict_exact(LCSLayerImpl& model, const torch::Tensor& state, const torch::Tensor& input);

// ‖X̂⁺ − X⁺‖_F / ‖X⁺‖_F over a set of transitions.
double relative_error(const torch::Tensor& predicted, const torch::Tensor& actual);

// Active sets {i : λᵢ > threshold} per row of λ (count, n_λ): how many distinct ones occur.
int64_t count_contact_modes(const torch::Tensor& lambda, double threshold = 1e-8);
// The fraction of rows whose active sets agree, under the best relabelling of the model's
// contacts (a learned LCS is identified only up to the order and scale of its contacts).
// Tries every permutation: n_λ ≤ 8.
double contact_mode_agreement(const torch::Tensor& true_lambda, const torch::Tensor& model_lambda,
                              double threshold = 1e-8);

}  // namespace diffctl
