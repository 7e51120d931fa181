#include "trainers/framework/rollout_pool.h"

#include "src/error.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

namespace diffctl {

RolloutPool::RolloutPool(EnvFactory make_env, RolloutOptions options)
    : make_env_(std::move(make_env)), options_(options) {
  if (options_.episodes() < 1) throw Error("rollout episodes: expected an integer >= 1, got " + std::to_string(options_.episodes()));
  if (options_.threads() < 1) throw Error("rollout threads: expected an integer >= 1, got " + std::to_string(options_.threads()));
  if (options_.block_episodes() < 0) {
    throw Error("rollout block_episodes: expected an integer >= 0, got " + std::to_string(options_.block_episodes()));
  }
  if (options_.horizon() < 0) throw Error("rollout horizon: expected an integer >= 0, got " + std::to_string(options_.horizon()));
  auto probe = make_env_();
  observation_size_ = probe->observation_size();
  action_size_ = probe->action_size();
  horizon_ = options_.horizon() > 0 ? options_.horizon() : probe->episode_length();
  envs_.resize(static_cast<size_t>(options_.threads()));
  envs_[0].push_back(std::move(probe));
}

std::vector<RolloutPool::Block> RolloutPool::blocks(int64_t copies, int64_t size) const {
  const int64_t episodes = options_.episodes();
  std::vector<Block> result;
  if (episodes >= size) {
    // Each copy's episodes in near-equal parts of at most `size`.
    const int64_t parts = (episodes + size - 1) / size;
    for (int64_t copy = 0; copy < copies; ++copy) {
      for (int64_t part = 0; part < parts; ++part) {
        const int64_t begin = episodes * part / parts, end = episodes * (part + 1) / parts;
        result.push_back({copy, 1, begin, end - begin});
      }
    }
  } else {
    // Whole copies, as many as fit.
    const int64_t per_block = std::max<int64_t>(1, size / episodes);
    for (int64_t copy = 0; copy < copies; copy += per_block) {
      result.push_back({copy, std::min(per_block, copies - copy), 0, episodes});
    }
  }
  return result;
}

int64_t RolloutPool::block_size(const PolicyImpl& policy) const {
  return options_.block_episodes() > 0 ? options_.block_episodes() : policy.lockstep_episodes();
}

int64_t RolloutPool::copies_per_block(const PolicyImpl& policy) const {
  const int64_t size = block_size(policy), episodes = options_.episodes();
  return episodes >= size ? 1 : std::max<int64_t>(1, size / episodes);
}

std::vector<std::unique_ptr<Env>>& RolloutPool::worker_envs(int64_t worker, int64_t count) {
  auto& envs = envs_[static_cast<size_t>(worker)];
  while (static_cast<int64_t>(envs.size()) < count) envs.push_back(make_env_());
  return envs;
}

RolloutResult RolloutPool::run(const PolicyImpl& policy, uint64_t seed) {
  return run(policy, policy.parameter_batch(), seed);
}

RolloutResult RolloutPool::run(const PolicyImpl& policy, const ParameterBatch& parameters, uint64_t seed,
                               const RolloutHooks& hooks) {
  if (policy.observation_size() != observation_size_ || policy.action_size() != action_size_) {
    throw Error("policy: maps " + std::to_string(policy.observation_size()) + " observations to " +
                     std::to_string(policy.action_size()) + " actions, the environment has " +
                     std::to_string(observation_size_) + " and " + std::to_string(action_size_));
  }
  if (parameters.is_empty()) throw Error("RolloutPool::run: no parameters");
  const int64_t copies = parameters.front().value().size(0);
  const auto dtype = policy.normalizer()->mean.scalar_type();
  ParameterBatch prepared;
  {
    c10::InferenceMode inference;
    prepared = policy.prepare(parameters);
  }
  const BatchActor act = [&](int64_t first_copy, int64_t block_copies) -> BlockActor {
    ParameterBatch block_parameters;
    for (const auto& entry : prepared) block_parameters.insert(entry.key(), entry.value().narrow(0, first_copy, block_copies));
    return [&policy, dtype, block_parameters](const torch::Tensor& observations) {
      return policy.forward_prepared(block_parameters, observations.to(dtype));
    };
  };
  return run(act, copies, block_size(policy), seed, hooks);
}

RolloutResult RolloutPool::run(const BatchActor& act, int64_t copies, int64_t block_episodes, uint64_t seed,
                               const RolloutHooks& hooks) {
  if (copies < 1 || block_episodes < 1) throw Error("RolloutPool::run: expected copies and block_episodes >= 1");
  const int64_t episodes = options_.episodes();
  const auto work = blocks(copies, block_episodes);
  std::vector<double> returns(static_cast<size_t>(copies * episodes), 0.0);
  std::vector<int64_t> lengths(returns.size(), 0);
  std::vector<RunningMoments> block_moments(work.size(), RunningMoments(observation_size_));
  const int64_t obs_size = observation_size_, act_size = action_size_;

  parallel_for(static_cast<int64_t>(work.size()), options_.threads(), [&](int64_t index, int64_t worker) {
    c10::InferenceMode inference;
    const Block block = work[static_cast<size_t>(index)];
    const int64_t rows = block.copies * block.episodes;
    auto& envs = worker_envs(worker, rows);
    RunningMoments& moments = block_moments[static_cast<size_t>(index)];
    const bool collect = options_.observation_moments();
    const double noise = options_.action_noise();
    auto observations = torch::empty({block.copies, block.episodes, obs_size}, torch::kFloat64);
    double* observation = observations.data_ptr<double>();
    std::vector<double> previous(hooks.observe ? static_cast<size_t>(obs_size) : 0), applied(static_cast<size_t>(act_size));
    std::vector<CounterRandom> noise_streams;
    std::vector<char> active(static_cast<size_t>(rows), 1);
    auto result_index = [&](int64_t row) {
      return (block.first_copy + row / block.episodes) * episodes + block.first_episode + row % block.episodes;
    };
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t episode = block.first_episode + row % block.episodes;
      const uint64_t episode_seed = derive_seed(seed, hooks.first_episode + static_cast<uint64_t>(episode));
      envs[row]->reset(episode_seed, observation + row * obs_size);
      if (noise > 0.0) noise_streams.emplace_back(derive_seed(episode_seed, 1));
      if (collect) moments.add(observation + row * obs_size);
    }
    const BlockActor block_act = act(block.first_copy, block.copies);
    int64_t remaining = rows;
    for (int64_t t = 0; t < horizon_ && remaining > 0; ++t) {
      const auto actions = block_act(observations).to(torch::kFloat64).contiguous();
      if (actions.numel() != rows * act_size) {
        throw Error("policy: returned actions of shape " + c10::str(actions.sizes()) + " for " +
                    std::to_string(rows) + " observations");
      }
      const double* action = actions.data_ptr<double>();
      for (int64_t row = 0; row < rows; ++row) {
        if (!active[row]) continue;
        double* row_observation = observation + row * obs_size;
        if (hooks.observe) std::copy(row_observation, row_observation + obs_size, previous.begin());
        std::copy(action + row * act_size, action + (row + 1) * act_size, applied.begin());
        if (noise > 0.0) {
          for (double& a : applied) a += noise * noise_streams[static_cast<size_t>(row)].normal();
        }
        const StepResult step = envs[row]->step(applied.data(), row_observation);
        double& episode_return = returns[result_index(row)];
        episode_return += step.reward;
        ++lengths[result_index(row)];
        if (!std::isfinite(episode_return)) episode_return = std::nan("");
        if (hooks.observe) {
          hooks.observe({block.first_copy + row / block.episodes, block.first_episode + row % block.episodes, t,
                         previous.data(), applied.data(), step, row_observation, *envs[row]});
        }
        if (collect && !std::isnan(episode_return)) moments.add(row_observation);
        if (step.done || std::isnan(episode_return)) {
          active[row] = 0;
          --remaining;
        }
      }
    }
  });

  RolloutResult result;
  result.returns = torch::tensor(returns, torch::kFloat64).view({copies, episodes});
  result.lengths = torch::tensor(lengths, torch::kInt64).view({copies, episodes});
  for (const int64_t length : lengths) result.env_steps += length;
  result.observation_moments = RunningMoments(obs_size);
  for (const auto& moments : block_moments) result.observation_moments.merge(moments);
  result.block_observation_moments = std::move(block_moments);
  return result;
}

}  // namespace diffctl
