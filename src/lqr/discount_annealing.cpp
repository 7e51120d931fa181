#include "src/lqr/discount_annealing.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/lqr/discrete_lyapunov.h"
#include "src/lqr/lqr_cost.h"

#include <sstream>

namespace diffctl {

void DiscountAnnealingOptions::check(const std::string& path) const {
  auto fail = [&](const std::string& key, const std::string& expected) {
    throw InputError(path + "." + key + ": expected " + expected);
  };
  if (!(cost_factor > 1.0)) fail("cost_factor", "a number > 1");
  if (policy_steps < 1) fail("policy_steps", "an integer >= 1");
  if (max_rounds < 1) fail("max_rounds", "an integer >= 1");
  if (bisection_steps < 1) fail("bisection_steps", "an integer >= 1");
  if (!(initial_radius > 0.0 && initial_radius < 1.0)) fail("initial_radius", "a number in (0, 1)");
}

namespace {

constexpr double kArmijo = 1e-4;
constexpr int kMaxHalvings = 60;

class GroupedCost {
 public:
  GroupedCost(const LqrSystems& systems, int64_t groups)
      : systems_(systems), per_group_(systems.size() / groups) {}

  // Mean cost per group of the discounted problems (+inf if any system is unstable) for
  // the groups `which` (all when undefined); gains and gamma hold one entry per group.
  torch::Tensor operator()(const torch::Tensor& gains, const torch::Tensor& gamma,
                           const torch::Tensor& which = {}) const {
    const LqrSystems systems =
        which.defined()
            ? systems_.select((which.unsqueeze(1) * per_group_ + torch::arange(per_group_, which.options())).view(-1))
            : systems_;
    const auto damped = systems.damped(gamma.repeat_interleave(per_group_));
    return lqr_cost(damped, gains.repeat_interleave(per_group_, 0)).cost.view({-1, per_group_}).mean(1);
  }

 private:
  const LqrSystems& systems_;
  int64_t per_group_;
};

// Gradient descent with Armijo backtracking, one step size per group; the backtracking
// evaluates only the groups still looking for a step.
torch::Tensor descend(const GroupedCost& cost_of, torch::Tensor gains, const torch::Tensor& gamma,
                      int64_t steps) {
  gains = gains.clone();  // updated in place below; the caller's tensor stays as it was
  auto step_size = torch::ones({gains.size(0)}, gamma.options());
  for (int64_t step = 0; step < steps; ++step) {
    const auto leaf = gains.detach().requires_grad_(true);
    const auto cost = cost_of(leaf, gamma);
    const auto gradient = torch::autograd::grad({cost.sum()}, {leaf})[0];
    torch::NoGradGuard no_grad;
    const auto squared_norm = gradient.pow(2).sum({1, 2});
    auto pending = torch::arange(gains.size(0), gamma.options().dtype(torch::kLong));
    for (int halving = 0; halving < kMaxHalvings && pending.numel() > 0; ++halving) {
      const auto trial_step = step_size.index_select(0, pending);
      const auto candidate =
          gains.index_select(0, pending) - trial_step.view({-1, 1, 1}) * gradient.index_select(0, pending);
      const auto decrease = cost_of(candidate, gamma.index_select(0, pending), pending) <=
                            cost.index_select(0, pending) - kArmijo * trial_step * squared_norm.index_select(0, pending);
      gains.index_copy_(0, pending.masked_select(decrease), candidate.index({decrease}));
      pending = pending.masked_select(decrease.logical_not());
      step_size.index_copy_(0, pending, step_size.index_select(0, pending) * 0.5);
    }
    step_size = step_size * 2.0;
  }
  return gains.detach();
}

}  // namespace

DiscountAnnealingOptions DiscountAnnealingOptions::from_config(ConfigReader& reader) {
  DiscountAnnealingOptions o;
  o.cost_factor = reader.number("cost_factor", o.cost_factor, 1, true);
  o.policy_steps = reader.integer("policy_steps", o.policy_steps, 1);
  o.max_rounds = reader.integer("max_rounds", o.max_rounds, 1);
  o.bisection_steps = reader.integer("bisection_steps", o.bisection_steps, 1);
  o.initial_radius = reader.number("initial_radius", o.initial_radius, 0, true, 0.999);
  return o;
}

torch::Tensor anneal_discount(const LqrSystems& systems, const torch::Tensor& initial_gain,
                              const DiscountAnnealingOptions& options,
                              DiscountAnnealingSummary* summary) {
  options.check("annealing");
  const int64_t groups = initial_gain.size(0);
  if (groups < 1 || systems.size() % groups != 0) {
    throw InputError("anneal_discount: " + std::to_string(systems.size()) + " systems do not split into " +
                     std::to_string(groups) + " groups of equal size (one per initial gain)");
  }
  const GroupedCost cost_of(systems, groups);
  const auto real = systems.A.options();

  torch::Tensor gains = initial_gain.detach().to(real);
  torch::Tensor gamma;
  {
    torch::NoGradGuard no_grad;
    const auto closed_loop =
        systems.A - systems.B.matmul(gains.repeat_interleave(systems.size() / groups, 0));
    const auto radius = spectral_radius(closed_loop).view({groups, -1}).amax(1);
    gamma = (options.initial_radius / radius).pow(2).clamp_max(1.0);
  }
  for (int64_t round = 0; round < options.max_rounds; ++round) {
    if (summary) {
      summary->rounds = round + 1;
      summary->smallest_discount.push_back(gamma.min().item<double>());
    }
    gains = descend(cost_of, gains, gamma, options.policy_steps);
    torch::NoGradGuard no_grad;
    const auto cost = cost_of(gains, gamma);
    if (!torch::isfinite(cost).all().item<bool>()) {
      throw Error("discount annealing: the discounted cost became infinite (round " +
                  std::to_string(round + 1) + ")");
    }
    if ((gamma >= 1.0).all().item<bool>()) return gains;

    const auto target = options.cost_factor * cost;
    const auto ones = torch::ones_like(gamma);
    const auto reach_one = cost_of(gains, ones) <= target;
    auto low = gamma.clone();
    auto high = ones.clone();
    for (int64_t i = 0; i < options.bisection_steps; ++i) {
      const auto mid = 0.5 * (low + high);
      const auto ok = cost_of(gains, mid) <= target;
      low = torch::where(ok, mid, low);
      high = torch::where(ok, high, mid);
    }
    const auto raised = torch::where(reach_one, ones, low);
    const auto stalled = (raised <= gamma).logical_and(gamma < 1.0);
    if (stalled.any().item<bool>()) {
      std::ostringstream message;
      message << "discount annealing: the discount stalled at γ = " << gamma.min().item<double>()
              << " (round " << round + 1 << "); try a larger annealing.cost_factor";
      throw Error(message.str());
    }
    gamma = raised;
  }
  std::ostringstream message;
  message << "discount annealing: γ did not reach 1 in " << options.max_rounds
          << " rounds (smallest γ = " << gamma.min().item<double>()
          << "); raise annealing.max_rounds or annealing.policy_steps";
  throw Error(message.str());
}

}  // namespace diffctl
