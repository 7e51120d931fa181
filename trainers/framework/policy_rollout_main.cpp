// policy_rollout: the path a user takes to deploy a trained policy. Loads any exported
// policy.pt with torch::jit::load (no diffctl module needed), runs it on a named
// environment for N episodes and prints the returns as JSON. Episode n starts from
// derive_seed(seed, n) in the trainers' RolloutPool, which runs these episodes too, so a
// trainer's evaluation return is reproduced for the same seed. The episodes step in
// lockstep with one policy call per time step on a (B, obs) float64 batch.
//
//   build/bin/policy_rollout --policy runs/<run>/policy.pt --env swimmer --episodes 10 --seed 0

#include "data/envs/env.h"
#include "src/error.h"
#include "trainers/framework/rollout_pool.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace {

using diffctl::InputError;

// LibTorch's messages span lines (TorchScript's end with the error after a traceback);
// errors here are one line: the last non-empty one.
std::string one_line(const std::string& text) {
  std::string last, line;
  std::istringstream lines(text);
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t") != std::string::npos) last = line;
  }
  return last;
}

torch::jit::Module load_policy(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError("--policy: " + path + ": no such file");
  try {
    auto module = torch::jit::load(path, torch::kCPU);
    module.eval();
    return module;
  } catch (const c10::Error& error) {
    throw InputError("--policy: " + path + ": not a TorchScript module (" +
                     one_line(error.what_without_backtrace()) + ")");
  }
}

nlohmann::json roll_out(torch::jit::Module& policy, const std::string& path, const std::string& env_name,
                        int64_t episodes, uint64_t seed, int64_t horizon) {
  diffctl::RolloutPool pool([&] { return diffctl::make_env(env_name); },
                            diffctl::RolloutOptions().episodes(episodes).horizon(horizon));
  const int64_t obs_size = pool.observation_size(), action_size = pool.action_size();
  const auto act = [&](int64_t, int64_t) -> diffctl::BlockActor {
    return [&](const torch::Tensor& observations) {
      torch::Tensor actions;
      try {
        actions = policy.forward({observations.view({episodes, obs_size})}).toTensor();
      } catch (const std::exception& error) {  // c10::Error, or TorchScript's JITException
        throw InputError("--policy: " + path + ": fails on (" + std::to_string(episodes) + ", " +
                         std::to_string(obs_size) + ") observations of " + env_name + " (" + one_line(error.what()) + ")");
      }
      if (actions.dim() != 2 || actions.size(0) != episodes || actions.size(1) != action_size) {
        throw InputError("--policy: " + path + ": maps (" + std::to_string(episodes) + ", " + std::to_string(obs_size) +
                         ") observations to actions of shape " + c10::str(actions.sizes()) + ", " + env_name +
                         " expects (" + std::to_string(episodes) + ", " + std::to_string(action_size) + ")");
      }
      return actions;
    };
  };
  const diffctl::RolloutResult result = [&] {
    torch::NoGradGuard no_grad;
    return pool.run(act, 1, episodes, seed);
  }();
  const std::vector<double> returns(result.returns.data_ptr<double>(), result.returns.data_ptr<double>() + episodes);
  const std::vector<int64_t> lengths(result.lengths.data_ptr<int64_t>(), result.lengths.data_ptr<int64_t>() + episodes);
  double mean = 0.0;
  for (double value : returns) mean += value / static_cast<double>(episodes);
  nlohmann::json out = {{"env", env_name}, {"episodes", episodes}, {"seed", seed}, {"lengths", lengths}};
  for (double value : returns) out["returns"].push_back(std::isfinite(value) ? nlohmann::json(value) : nlohmann::json());
  out["mean_return"] = std::isfinite(mean) ? nlohmann::json(mean) : nlohmann::json();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "policy_rollout: runs an exported policy.pt on a named environment and prints the returns.\n"
      "Example: build/bin/policy_rollout --policy runs/<run>/policy.pt --env pendulum --episodes 10");
  std::string policy_path, env_name;
  int64_t episodes = 10, horizon = 0;
  uint64_t seed = 0;
  app.add_option("--policy", policy_path, "TorchScript policy (policy.pt of a run)")->required();
  app.add_option("--env", env_name, "Environment name (pendulum, cartpole_balance, swimmer, ...)")->required();
  app.add_option("--episodes", episodes, "Episodes, run in lockstep")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "Episode n starts from derive_seed(seed, n)")->capture_default_str();
  app.add_option("--horizon", horizon, "Steps per episode at most (0: the environment's length)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    std::cerr << "policy_rollout: " << error.what() << '\n';
    return 2;
  }
  try {
    auto policy = load_policy(policy_path);
    std::cout << roll_out(policy, policy_path, env_name, episodes, seed, horizon).dump(2) << '\n';
    return 0;
  } catch (const InputError& error) {
    std::cerr << "policy_rollout: " << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "policy_rollout: failed: " << error.what() << '\n';
    return 1;
  }
}
