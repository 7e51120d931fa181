#include "data/envs/contact_task.h"

#include "data/envs/cartpole_soft_walls.h"
#include "data/envs/random_lcs_control.h"
#include "src/config/config_reader.h"
#include "src/config/named_registry.h"
#include "src/error.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/reference_lqr.h"

#include <torch/torch.h>

#include <algorithm>

namespace diffctl {

torch::Tensor ContactTask::initial_states(int64_t count, at::Generator& generator) const {
  return (2.0 * torch::rand({count, state_size()}, generator, torch::kFloat64) - 1.0) * initial_state_bounds;
}

LinearPolicy ContactTask::lqr_policy() const {
  const Eigen::MatrixXd A = to_eigen(matrices.A), B = to_eigen(matrices.B);
  const Eigen::MatrixXd Q = to_eigen(cost.state_weights.unsqueeze(1)).col(0).asDiagonal();
  const Eigen::MatrixXd R = cost.input_weight * Eigen::MatrixXd::Identity(input_size(), input_size());
  const Eigen::MatrixXd gain = reference::riccati_gain(A, B, R, reference::solve_dare(A, B, Q, R));
  LinearPolicy policy(LinearPolicyOptions(state_size(), input_size()));
  torch::NoGradGuard no_grad;
  policy->gain.copy_(to_tensor(gain));
  return policy;
}

std::vector<double> ContactTask::read_state_bounds(ConfigReader& reader, const std::string& key) const {
  const torch::Tensor defaults = exploration_state_bounds.contiguous();
  const std::vector<double> bounds =
      reader.numbers(key, std::vector<double>(defaults.data_ptr<double>(), defaults.data_ptr<double>() + defaults.numel()));
  if (static_cast<int64_t>(bounds.size()) != state_size() || *std::min_element(bounds.begin(), bounds.end()) <= 0.0) {
    throw InputError(reader.path_of(key) + ": expected " + std::to_string(state_size()) +
                     " numbers > 0 (one per state of " + name + ")");
  }
  return bounds;
}

namespace {

NamedRegistry<ContactTaskFactory>& contact_task_registry() {
  static NamedRegistry<ContactTaskFactory> instance(
      "contact_task", "a contact task",
      {{"cartpole_soft_walls",
        [](const nlohmann::json& options, const std::string& path) {
          ConfigReader(options, path).finish();
          return cartpole_soft_walls_task();
        }},
       {"random_lcs_control", [](const nlohmann::json& options, const std::string& path) {
          ConfigReader reader(options, path);
          const RandomLcsControlOptions o = RandomLcsControlOptions::from_config(reader);
          reader.finish();
          return random_lcs_control_task(o);
        }}});
  return instance;
}

}  // namespace

ContactTask make_contact_task(const std::string& name, const nlohmann::json& options, const std::string& options_path) {
  return contact_task_registry().find(name)(options, options_path);
}

void register_contact_task(const std::string& name, ContactTaskFactory factory) {
  contact_task_registry().add(name, std::move(factory));
}

std::vector<std::string> contact_task_names() { return contact_task_registry().names(); }

}  // namespace diffctl
