#include "src/zeroth_order/gradient_estimator.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/parallel/communicator.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"
#include "src/seeding.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace diffctl {

void GradientEstimatorOptions::validate() const {
  if (!(radius > 0.0) || !std::isfinite(radius)) {
    throw InputError("estimator radius: expected a finite number > 0, got " + std::to_string(radius));
  }
  if (directions < 1) throw InputError("estimator directions: expected an integer >= 1, got " + std::to_string(directions));
  if (top_directions < 0 || top_directions > directions) {
    throw InputError("estimator top_directions: expected an integer in [0, directions = " + std::to_string(directions) +
                     "], got " + std::to_string(top_directions));
  }
  const bool shaping = rank_shaping || top_directions > 0 || normalize_by_std;
  if (shaping && kind != EstimatorKind::antithetic_es) {
    throw InputError("estimator: rank_shaping, top_directions and normalize_by_std apply to antithetic_es, not " +
                     to_string(kind));
  }
}

GradientEstimatorOptions GradientEstimatorOptions::from_config(ConfigReader& reader) {
  GradientEstimatorOptions o;
  o.kind = reader.choice("kind", EstimatorKind::two_point, kEstimatorKindNames);
  o.radius = reader.number("radius", o.radius, 0.0, true);
  o.directions = reader.integer("directions", o.directions, 1);
  o.rank_shaping = reader.boolean("rank_shaping", o.rank_shaping);
  o.top_directions = reader.integer("top_directions", o.top_directions, 0);
  o.normalize_by_std = reader.boolean("normalize_by_std", o.normalize_by_std);
  o.validate();
  return o;
}

BatchObjective evaluate_in_parallel(std::function<double(const torch::Tensor& theta, uint64_t seed)> objective,
                                    int64_t threads) {
  return [objective = std::move(objective), threads](const torch::Tensor& points, const std::vector<uint64_t>& seeds) {
    std::vector<double> values(static_cast<size_t>(points.size(0)));
    parallel_for(points.size(0), threads, [&](int64_t i, int64_t) { values[i] = objective(points[i], seeds[i]); });
    return torch::tensor(values, torch::kFloat64);
  };
}

BatchObjective split_over_ranks(BatchObjective local, const Communicator& ranks, int64_t block_points) {
  return [local = std::move(local), &ranks, block_points](const torch::Tensor& points, const std::vector<uint64_t>& seeds) {
    const int64_t count = points.size(0);
    const BlockRange mine = blocks_of_rank((count + block_points - 1) / block_points, ranks.rank(), ranks.size());
    const int64_t first = std::min(count, mine.first * block_points);
    const int64_t last = std::min(count, mine.last * block_points);
    std::vector<double> values;
    if (last > first) {
      const torch::Tensor mine_values =
          local(points.narrow(0, first, last - first), std::vector<uint64_t>(seeds.begin() + first, seeds.begin() + last))
              .to(torch::kFloat64)
              .contiguous();
      values.assign(mine_values.data_ptr<double>(), mine_values.data_ptr<double>() + (last - first));
    }
    const std::vector<double> all = ranks.all_gather(values);
    if (static_cast<int64_t>(all.size()) != count) {
      throw Error("split_over_ranks: gathered " + std::to_string(all.size()) + " values of " + std::to_string(count));
    }
    return torch::tensor(all, torch::kFloat64);
  };
}

GradientEstimator::GradientEstimator(GradientEstimatorOptions options) : options_(options) { options_.validate(); }

torch::Tensor GradientEstimator::directions(int64_t dimension, int64_t index) const {
  const uint64_t stream = derive_seed(options_.seed, static_cast<uint64_t>(index));
  std::vector<torch::Tensor> rows;
  for (int64_t i = 0; i < options_.directions; ++i) {
    auto generator = make_generator(derive_seed(stream, static_cast<uint64_t>(i)));
    rows.push_back(torch::randn({dimension}, generator, torch::kFloat64));
  }
  torch::Tensor result = torch::stack(rows);
  if (options_.kind != EstimatorKind::antithetic_es) result = result / result.norm(2, 1, true);
  return result;
}

namespace {

// Centered ranks in [−0.5, 0.5] of the values (ties by position).
torch::Tensor centered_ranks(const torch::Tensor& values) {
  const int64_t n = values.numel();
  const torch::Tensor order = values.argsort();
  torch::Tensor ranks = torch::empty({n}, torch::kFloat64);
  ranks.index_put_({order}, torch::arange(n, torch::kFloat64));
  return n > 1 ? ranks / static_cast<double>(n - 1) - 0.5 : torch::zeros({n}, torch::kFloat64);
}

}  // namespace

Perturbations GradientEstimator::perturbations(const torch::Tensor& theta, int64_t index) const {
  const torch::Tensor point = theta.detach().to(torch::kCPU, torch::kFloat64).reshape({-1});
  Perturbations result;
  result.directions = directions(point.size(0), index);
  const torch::Tensor step = options_.radius * result.directions;
  // Each direction's evaluation seed; both points of a pair share it.
  const uint64_t evaluation_stream = derive_seed(derive_seed(options_.seed, static_cast<uint64_t>(index)), ~0ULL);
  for (int64_t i = 0; i < step.size(0); ++i) result.seeds.push_back(derive_seed(evaluation_stream, static_cast<uint64_t>(i)));
  if (options_.kind == EstimatorKind::one_point) {
    result.points = point + step;
    return result;
  }
  result.points = torch::cat({point + step, point - step});
  const std::vector<uint64_t> first_points = result.seeds;
  result.seeds.insert(result.seeds.end(), first_points.begin(), first_points.end());
  return result;
}

GradientEstimate GradientEstimator::estimate(const BatchObjective& objective, const torch::Tensor& theta,
                                             int64_t index) const {
  const Perturbations p = perturbations(theta, index);
  return estimate(p, objective(p.points, p.seeds));
}

GradientEstimate GradientEstimator::estimate(const Perturbations& perturbations, const torch::Tensor& all_values) const {
  const torch::Tensor& U = perturbations.directions;
  const int64_t dimension = U.size(1);
  const double r = options_.radius;
  GradientEstimate result;
  result.gradient = torch::zeros({dimension}, torch::kFloat64);
  const torch::Tensor values = all_values.to(torch::kFloat64);

  if (options_.kind == EstimatorKind::one_point) {
    result.evaluations = U.size(0);
    const torch::Tensor keep = torch::isfinite(values);
    result.used_directions = keep.sum().item<int64_t>();
    result.dropped_directions = U.size(0) - result.used_directions;
    if (result.used_directions > 0) {
      const torch::Tensor weights = torch::where(keep, values, torch::zeros_like(values));
      result.gradient = (static_cast<double>(dimension) / r) * weights.matmul(U) / static_cast<double>(result.used_directions);
    }
    return result;
  }

  result.evaluations = 2 * U.size(0);
  const int64_t n = U.size(0);
  torch::Tensor plus = values.narrow(0, 0, n), minus = values.narrow(0, n, n);
  const torch::Tensor keep = torch::isfinite(plus).logical_and(torch::isfinite(minus));
  torch::Tensor kept = keep.nonzero().squeeze(1);
  result.dropped_directions = n - kept.size(0);
  if (options_.kind == EstimatorKind::antithetic_es && options_.top_directions > 0 &&
      kept.size(0) > options_.top_directions) {
    const torch::Tensor best = torch::maximum(plus.index_select(0, kept), minus.index_select(0, kept));
    kept = kept.index_select(0, std::get<0>(std::get<1>(best.topk(options_.top_directions)).sort()));
  }
  const int64_t used = kept.size(0);
  result.used_directions = used;
  if (used == 0) return result;
  plus = plus.index_select(0, kept);
  minus = minus.index_select(0, kept);
  const torch::Tensor used_directions = U.index_select(0, kept);

  if (options_.kind == EstimatorKind::two_point) {
    result.gradient = (static_cast<double>(dimension) / (2.0 * r)) * (plus - minus).matmul(used_directions) /
                      static_cast<double>(used);
    return result;
  }
  if (options_.rank_shaping) {
    const torch::Tensor ranks = centered_ranks(torch::cat({plus, minus}));
    plus = ranks.narrow(0, 0, used);
    minus = ranks.narrow(0, used, used);
  }
  double scale = 1.0 / (2.0 * r * static_cast<double>(used));
  if (options_.normalize_by_std) {
    const double spread = torch::cat({plus, minus}).std(/*unbiased=*/false).item<double>();
    if (spread > 0.0) scale /= spread;
  }
  result.gradient = scale * (plus - minus).matmul(used_directions);
  return result;
}

}  // namespace diffctl
