#include "src/stats/update_variance.h"

#include "src/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <string>

namespace diffctl {

double update_variance_ratio(const torch::Tensor& per_sample, int64_t batch_size, bool with_replacement) {
  const int64_t n = per_sample.size(0);
  if (batch_size < 1 || (!with_replacement && (batch_size > n || n < 2))) {
    throw InputError("update_variance_ratio: batch size " + std::to_string(batch_size) + " does not fit " +
                     std::to_string(n) + " samples");
  }
  const double mean_square = per_sample.pow(2).sum(-1).mean().item<double>();
  const double square_mean = per_sample.mean(0).pow(2).sum().item<double>();
  const double excess = mean_square / std::max(square_mean, 1e-300) - 1.0;
  const double k = static_cast<double>(batch_size);
  if (with_replacement) return 1.0 + excess / k;
  return 1.0 + excess * static_cast<double>(n - batch_size) / (k * static_cast<double>(n - 1));
}

}  // namespace diffctl
