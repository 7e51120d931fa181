#pragma once

#include "src/config/enum_names.h"
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace diffctl {

class Communicator;
class ConfigReader;

// Derivative-free estimates of ∇F(θ) from values of F alone.
enum class EstimatorKind {
  // (D / 2r) · [F(θ + rU) − F(θ − rU)] · U, U uniform on the unit sphere of R^D, averaged
  // over the directions (Malik et al., zeroth-order-lqr-proofs.md appendix B).
  two_point,
  // (D / r) · F(θ + rU) · U (the one-point baseline of Fazel et al.).
  one_point,
  // Antithetic Gaussian ES: (1 / 2σn) Σ [F(θ + σε) − F(θ − σε)] ε, ε ~ N(0, I), with
  // optional centered-rank shaping, top-b directions (ARS) and reward-std normalisation.
  antithetic_es,
};
inline constexpr EnumNames<EstimatorKind, 3> kEstimatorKindNames{
    {{EstimatorKind::two_point, "two_point"}, {EstimatorKind::one_point, "one_point"}, {EstimatorKind::antithetic_es, "antithetic_es"}}};
inline std::string to_string(EstimatorKind kind) { return enum_name(kEstimatorKindNames, kind); }

struct GradientEstimatorOptions {
  EstimatorKind kind = EstimatorKind::two_point;
  double radius = 0.05;     // r (sphere estimators) or σ (ES)
  int64_t directions = 8;   // per estimate (pairs for the antithetic estimators)
  // ES only: replace the 2n values by their centered ranks in [−0.5, 0.5] (OpenAI-ES).
  bool rank_shaping = false;
  // ES only: keep the b directions with the largest max(F₊, F₋) (ARS); 0 keeps all.
  int64_t top_directions = 0;
  // ES only: divide by the standard deviation of the values used (ARS).
  bool normalize_by_std = false;
  uint64_t seed = 0;  // of the perturbation stream

  void validate() const;  // InputError naming the option
  static GradientEstimatorOptions from_config(ConfigReader& reader);
};

// F evaluated at a batch of points θ₁…θ_K (K, D) -> (K) float64 values, in order. A noisy F
// (a sampled initial state, a rollout's episodes) draws its randomness from seeds[k]: the
// two points of an antithetic pair get the same seed (common random numbers), and the
// seeds come from the estimator's counter-based stream. A value may be +∞ or NaN (an
// unstable gain, a diverged rollout): see GradientEstimate.
using BatchObjective = std::function<torch::Tensor(const torch::Tensor& points, const std::vector<uint64_t>& seeds)>;

// A scalar F(θ, seed) evaluated at every point of a batch on `threads` threads (results by
// index, so identical for any thread count).
BatchObjective evaluate_in_parallel(std::function<double(const torch::Tensor& theta, uint64_t seed)> objective,
                                    int64_t threads);

// `local` evaluated on this rank's share of the points, a contiguous run of blocks of
// `block_points` (blocks_of_rank), with every rank's values gathered in index order: the
// same values for any number of ranks when a value depends only on its own block.
BatchObjective split_over_ranks(BatchObjective local, const Communicator& ranks, int64_t block_points = 1);

struct GradientEstimate {
  torch::Tensor gradient;     // (D), the estimate of ∇F(θ) (zero when every direction was dropped)
  int64_t evaluations = 0;    // values of F computed
  int64_t used_directions = 0;
  // Directions dropped because a value was not finite. The rule: a direction (for the
  // antithetic estimators, the pair) with a non-finite value is left out, and the estimate
  // averages the remaining ones; θ never sees a NaN.
  int64_t dropped_directions = 0;
};

// The points at which an estimate evaluates F, and the seeds of their evaluations.
struct Perturbations {
  torch::Tensor directions;      // (n, D), as directions() gives them
  torch::Tensor points;          // (n, D) θ + rU, then (antithetic estimators) (n, D) θ − rU
  std::vector<uint64_t> seeds;   // one per point
};

// The perturbations of estimate number `index` come from the counter-based stream
// (seed, index, direction): a run is the same for any number of worker threads or ranks
// (each rank draws them itself, only values travel), and a resumed run that restores
// `index` draws what an uninterrupted one would.
class GradientEstimator {
 public:
  explicit GradientEstimator(GradientEstimatorOptions options);

  GradientEstimate estimate(const BatchObjective& objective, const torch::Tensor& theta, int64_t index) const;
  // The same in two halves, for callers that evaluate the points themselves (and keep
  // more than the values): the points, then the estimate from their values (in order).
  Perturbations perturbations(const torch::Tensor& theta, int64_t index) const;
  GradientEstimate estimate(const Perturbations& perturbations, const torch::Tensor& values) const;
  // The directions of estimate `index`: (n, D), unit rows for the sphere estimators,
  // standard normal rows for ES.
  torch::Tensor directions(int64_t dimension, int64_t index) const;
  const GradientEstimatorOptions& options() const { return options_; }

 private:
  GradientEstimatorOptions options_;
};

}  // namespace diffctl
