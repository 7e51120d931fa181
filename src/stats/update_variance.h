#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>

namespace diffctl {

// E‖g_B‖² / ‖E g_B‖² for the minibatch mean g_B of k of the n per-sample updates gᵢ (rows of
// `per_sample`, (n, d)), exactly over the minibatch distribution (implicit-value-estimators.md,
// Theorem 5). With S = mean‖gᵢ‖² and ḡ = mean gᵢ:
//   with replacement:     1 + (S/‖ḡ‖² − 1)/k,
//   without replacement:  1 + (n − k)/(k(n − 1))·(S/‖ḡ‖² − 1),
// the latter n/k for one-hot features of distinct states (Corollary 2). NaN when every
// update is zero (an exact fit: the ratio is 0/0).
double update_variance_ratio(const torch::Tensor& per_sample, int64_t batch_size, bool with_replacement);

// The same ratio measured: the mean of ‖g_B‖² over `draws` minibatches drawn from
// `generator`, over the exact ‖ḡ‖². Its relative sampling error shrinks as 1/√draws.
double sampled_update_variance_ratio(const torch::Tensor& per_sample, int64_t batch_size, bool with_replacement,
                                     int64_t draws, at::Generator& generator);

}  // namespace diffctl
