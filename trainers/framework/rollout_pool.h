#pragma once

#include "data/envs/env.h"
#include "modules/policy.h"
#include "src/stats/running_moments.h"

#include <torch/arg.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace diffctl {

struct RolloutOptions {
  // Episodes per parameter copy (N).
  TORCH_ARG(int64_t, episodes) = 1;
  // Worker threads (T); each owns its environment instances.
  TORCH_ARG(int64_t, threads) = 1;
  // Episodes stepped in lockstep with one policy call per time step; 0 takes the policy's
  // lockstep_episodes(). Blocks are cut from (K copies × N episodes) by this size alone,
  // never by the thread count, so every episode sees the same batched arithmetic — and
  // returns are bit-identical — for any T.
  TORCH_ARG(int64_t, block_episodes) = 0;
  // Steps per episode at most; 0 takes the environment's episode_length().
  TORCH_ARG(int64_t, horizon) = 0;
  // Also summarise every observation the episodes visit (for the policy's normaliser).
  TORCH_ARG(bool, observation_moments) = false;
  // Exploration: each applied action is the actor's plus action_noise · N(0, 1) per
  // component, from the episode's own stream CounterRandom(derive_seed(episode seed, 1)).
  TORCH_ARG(double, action_noise) = 0.0;
};

// One environment step of one episode, as a StepObserver sees it.
struct RolloutStep {
  int64_t copy, episode;          // the entry of RolloutResult's (K, N) tables
  int64_t time;                   // 0 for the episode's first step
  const double* observation;      // before the step
  const double* action;           // as applied (noise included)
  StepResult result;
  const double* next_observation;
  const Env& env;                 // after the step
};
// Called for every step from the worker thread that owns the episode: an observer that
// writes per episode needs no lock.
using StepObserver = std::function<void(const RolloutStep&)>;

// What a rollout does besides returning its returns.
struct RolloutHooks {
  uint64_t first_episode = 0;  // episode n starts from derive_seed(seed, first_episode + n)
  StepObserver observe;
};

// The actions of one block of episodes stepped in lockstep: observations (copies, episodes,
// obs) float64 → actions of copies · episodes rows. A BatchActor makes one per block for
// its copies [first_copy, first_copy + copies) (each called on the block's worker thread).
using BlockActor = std::function<torch::Tensor(const torch::Tensor& observations)>;
using BatchActor = std::function<BlockActor(int64_t first_copy, int64_t copies)>;

struct RolloutResult {
  torch::Tensor returns;  // (K, N) float64: undiscounted sums of rewards (NaN once non-finite)
  torch::Tensor lengths;  // (K, N) int64: steps taken
  int64_t env_steps = 0;  // Σ lengths
  RunningMoments observation_moments;  // with RolloutOptions::observation_moments
  // The same per lockstep block, in block order (observation_moments merges them so): runs
  // split over ranks merge these to get the single run's moments bit for bit.
  std::vector<RunningMoments> block_observation_moments;
};

// Runs a policy — or K parameter copies of it at once — on N episodes of an environment
// over T threads. Episode n of every copy starts from the seed derive_seed(seed, n), so
// copies are compared on common episodes (antithetic pairs see the same starts). An
// episode ends at a terminal state, at the horizon, or when its return stops being
// finite (a diverged rollout; its return is NaN).
class RolloutPool {
 public:
  RolloutPool(EnvFactory make_env, RolloutOptions options);

  // The policy's own parameters: returns (1, N).
  RolloutResult run(const PolicyImpl& policy, uint64_t seed);
  // K copies, each parameter with a leading K dimension (PolicyImpl::unflatten): (K, N).
  RolloutResult run(const PolicyImpl& policy, const ParameterBatch& parameters, uint64_t seed,
                    const RolloutHooks& hooks = {});
  // The lockstep loop itself, for any actor (an exported TorchScript policy, a policy with
  // an autograd-free forward of its own): K copies in blocks of at most block_episodes.
  RolloutResult run(const BatchActor& act, int64_t copies, int64_t block_episodes, uint64_t seed,
                    const RolloutHooks& hooks = {});

  // Copies stepped in one lockstep block of `policy`: a run of K copies is the same block by
  // block as runs over consecutive ranges of whole blocks.
  int64_t copies_per_block(const PolicyImpl& policy) const;

  const RolloutOptions& options() const { return options_; }
  int64_t observation_size() const { return observation_size_; }
  int64_t action_size() const { return action_size_; }
  int64_t horizon() const { return horizon_; }

 private:
  struct Block {
    int64_t first_copy, copies, first_episode, episodes;
  };
  std::vector<Block> blocks(int64_t copies, int64_t size) const;
  int64_t block_size(const PolicyImpl& policy) const;
  std::vector<std::unique_ptr<Env>>& worker_envs(int64_t worker, int64_t count);

  EnvFactory make_env_;
  RolloutOptions options_;
  int64_t observation_size_;
  int64_t action_size_;
  int64_t horizon_;
  std::vector<std::vector<std::unique_ptr<Env>>> envs_;  // per worker
};

}  // namespace diffctl
