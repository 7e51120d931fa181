#include "src/stats/update_variance.h"

#include "src/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>
#include <string>

namespace diffctl {
namespace {

void require_batch_fits(int64_t n, int64_t batch_size, bool with_replacement) {
  if (batch_size < 1 || (!with_replacement && (batch_size > n || n < 2))) {
    throw InputError("update_variance_ratio: batch size " + std::to_string(batch_size) + " does not fit " +
                     std::to_string(n) + " samples");
  }
}

// The ratio is scale-free: dividing by the largest entry keeps the squares of a nearly
// exact fit's tiny updates from underflowing. Undefined (no tensor) when every update is 0.
torch::Tensor scaled_to_unit_max(const torch::Tensor& updates) {
  const double scale = updates.abs().max().item<double>();
  return scale > 0.0 ? updates / scale : torch::Tensor();
}

// (draws, k) indices, each row k distinct of n: a partial Fisher–Yates shuffle per row, O(k)
// per draw. Starting each row from the previous row's order keeps every row uniform.
torch::Tensor draw_without_replacement(int64_t n, int64_t batch_size, int64_t draws, at::Generator& generator) {
  const torch::Tensor uniforms = torch::rand({draws, batch_size}, generator, torch::kFloat64);
  const auto u = uniforms.accessor<double, 2>();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), int64_t{0});
  torch::Tensor index = torch::empty({draws, batch_size}, torch::kLong);
  auto rows = index.accessor<int64_t, 2>();
  for (int64_t d = 0; d < draws; ++d) {
    for (int64_t j = 0; j < batch_size; ++j) {
      const int64_t pick = j + std::min(static_cast<int64_t>(u[d][j] * static_cast<double>(n - j)), n - j - 1);
      std::swap(order[j], order[pick]);
      rows[d][j] = order[j];
    }
  }
  return index;
}

}  // namespace

double update_variance_ratio(const torch::Tensor& updates, int64_t batch_size, bool with_replacement) {
  const int64_t n = updates.size(0);
  require_batch_fits(n, batch_size, with_replacement);
  const torch::Tensor per_sample = scaled_to_unit_max(updates);
  if (!per_sample.defined()) return std::numeric_limits<double>::quiet_NaN();
  const double mean_square = per_sample.pow(2).sum(-1).mean().item<double>();
  const double square_mean = per_sample.mean(0).pow(2).sum().item<double>();
  const double excess = mean_square / std::max(square_mean, 1e-300) - 1.0;
  const double k = static_cast<double>(batch_size);
  if (with_replacement) return 1.0 + excess / k;
  return 1.0 + excess * static_cast<double>(n - batch_size) / (k * static_cast<double>(n - 1));
}

double sampled_update_variance_ratio(const torch::Tensor& updates, int64_t batch_size, bool with_replacement,
                                     int64_t draws, at::Generator& generator) {
  const int64_t n = updates.size(0);
  require_batch_fits(n, batch_size, with_replacement);
  if (draws < 1) throw InputError("sampled_update_variance_ratio: draws must be positive, got " + std::to_string(draws));
  const torch::Tensor per_sample = scaled_to_unit_max(updates);
  if (!per_sample.defined()) return std::numeric_limits<double>::quiet_NaN();
  const torch::Tensor index = with_replacement ? torch::randint(n, {draws, batch_size}, generator, torch::kLong)
                                               : draw_without_replacement(n, batch_size, draws, generator);
  // In chunks, so that the gathered minibatches stay small whatever the number of draws.
  const int64_t width = per_sample.numel() / std::max<int64_t>(n, 1);
  const int64_t chunk = std::max<int64_t>(1, (int64_t{1} << 18) / std::max<int64_t>(1, batch_size * width));
  double total = 0.0;
  for (int64_t first = 0; first < draws; first += chunk) {
    const torch::Tensor rows = index.narrow(0, first, std::min(chunk, draws - first));
    const torch::Tensor batch_means = per_sample.index_select(0, rows.flatten().to(per_sample.device()))
                                          .view({rows.size(0), batch_size, -1})
                                          .mean(1);
    total += batch_means.pow(2).sum().item<double>();
  }
  const double square_mean = per_sample.mean(0).pow(2).sum().item<double>();
  return total / static_cast<double>(draws) / std::max(square_mean, 1e-300);
}

}  // namespace diffctl
