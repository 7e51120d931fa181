#include "trainers/fopg/fopg_objective.h"

#include "src/error.h"

#include <torch/torch.h>

#include <string>

namespace diffctl {

torch::Tensor model_rollout_costs(const DifferentiableDynamics& model, PolicyImpl& policy,
                                  const torch::Tensor& initial_states, const torch::Tensor& exploration,
                                  const QuadraticCost& cost, const ModelRolloutOptions& options) {
  const int64_t rollouts = initial_states.size(0);
  if (initial_states.dim() != 2 || initial_states.size(1) != model.state_size()) {
    throw InputError("model rollout: initial states: expected shape (M, " + std::to_string(model.state_size()) +
                     "), got " + c10::str(initial_states.sizes()));
  }
  if (exploration.dim() != 3 || exploration.size(0) < options.horizon || exploration.size(1) != rollouts ||
      exploration.size(2) != model.action_size()) {
    throw InputError("model rollout: exploration: expected shape (" + std::to_string(options.horizon) + ", " +
                     std::to_string(rollouts) + ", " + std::to_string(model.action_size()) + "), got " +
                     c10::str(exploration.sizes()));
  }
  torch::Tensor state = initial_states;
  torch::Tensor total = torch::zeros({rollouts}, initial_states.options());
  double weight = 1.0;
  for (int64_t t = 0; t < options.horizon; ++t) {
    const torch::Tensor action = policy.forward(state) + options.exploration_noise * exploration[t];
    const torch::Tensor stage =
        (state.square() * cost.state_weights).sum(1) + cost.input_weight * action.square().sum(1);
    total = total + weight * stage;
    weight *= options.discount;
    state = model.step(state, action);
  }
  return total;
}

}  // namespace diffctl
