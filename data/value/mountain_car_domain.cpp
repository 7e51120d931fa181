#include "data/value/value_dataset.h"

#include "src/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace diffctl {

namespace {

constexpr double kPositionMin = -1.2;
constexpr double kPositionMax = 0.6;
constexpr double kVelocityMin = -0.07;
constexpr double kVelocityMax = 0.07;
constexpr double kGoalPosition = 0.5;
constexpr double kGamma = 0.99;

struct Episode {
  std::vector<double> positions;
  std::vector<double> velocities;
  std::vector<double> returns;
};

// One episode from x ~ U[−0.6, −0.4], v = 0 under the ε-greedy(0.1) energy-pumping policy.
Episode run_episode(double reward_offset, int64_t max_steps, at::Generator& generator) {
  const torch::Tensor uniforms = torch::rand({max_steps * 2 + 1}, generator, torch::kFloat64);
  const auto u = uniforms.accessor<double, 1>();
  double x = -0.6 + 0.2 * u[0];
  double v = 0.0;
  Episode episode;
  std::vector<double> rewards;
  for (int64_t t = 0; t < max_steps; ++t) {
    episode.positions.push_back(x);
    episode.velocities.push_back(v);
    const int64_t greedy = v < 0.0 ? 0 : 2;
    const int64_t action = u[1 + 2 * t] < 0.1 ? std::min<int64_t>(2, static_cast<int64_t>(3.0 * u[2 + 2 * t])) : greedy;
    const double raw_velocity = v + 0.001 * static_cast<double>(action - 1) - 0.0025 * std::cos(3.0 * x);
    v = std::clamp(raw_velocity, kVelocityMin, kVelocityMax);
    x = std::clamp(x + raw_velocity, kPositionMin, kPositionMax);
    const bool reached = x >= kGoalPosition;
    rewards.push_back((reached ? 0.0 : -1.0) + reward_offset);
    if (reached) break;
  }
  episode.returns = discounted_returns(rewards, kGamma);
  return episode;
}

struct States {
  std::vector<double> positions, velocities, returns;
  void append(const Episode& episode, size_t limit) {
    for (size_t i = 0; i < episode.positions.size() && positions.size() < limit; ++i) {
      positions.push_back(episode.positions[i]);
      velocities.push_back(episode.velocities[i]);
      returns.push_back(episode.returns[i]);
    }
  }
};

}  // namespace

torch::Tensor mountain_car_features(const torch::Tensor& position, const torch::Tensor& velocity) {
  const torch::Tensor position_centres = torch::linspace(kPositionMin, kPositionMax, 20, torch::kFloat64);
  const torch::Tensor velocity_centres = torch::linspace(kVelocityMin, kVelocityMax, 20, torch::kFloat64);
  const double position_width = 0.1 * (kPositionMax - kPositionMin);
  const double velocity_width = 0.1 * (kVelocityMax - kVelocityMin);
  const torch::Tensor dx = (position.unsqueeze(-1) - position_centres) / position_width;  // (B, 20)
  const torch::Tensor dv = (velocity.unsqueeze(-1) - velocity_centres) / velocity_width;  // (B, 20)
  const torch::Tensor logits = -(dx * dx).unsqueeze(-1) - (dv * dv).unsqueeze(-2);        // (B, 20, 20)
  return torch::softmax(logits.flatten(1), -1);
}

ValueDataset mountain_car_dataset(double reward_offset, at::Generator& generator) {
  States train;
  for (int episode = 0; episode < 10; ++episode) {
    train.append(run_episode(reward_offset, 200, generator), SIZE_MAX);
  }
  States test;
  for (int episode = 0; test.positions.size() < 1000; ++episode) {
    if (episode > 10000) throw Error("mountain car: held-out episodes yield no states");
    test.append(run_episode(reward_offset, 200, generator), 1000);
  }
  auto features = [](const States& states) {
    return mountain_car_features(torch::tensor(states.positions, torch::kFloat64),
                                 torch::tensor(states.velocities, torch::kFloat64));
  };
  return {features(train), torch::tensor(train.returns, torch::kFloat64), features(test),
          torch::tensor(test.returns, torch::kFloat64)};
}

}  // namespace diffctl
