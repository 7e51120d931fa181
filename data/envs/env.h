#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace diffctl {

struct StepResult {
  double reward = 0.0;
  bool done = false;  // the episode ended before its time limit (a terminal state)
};

// One episodic black-box environment instance. Each instance owns its state, so N
// instances run on N threads; the rollouts (trainers/framework/) step many of them in
// lockstep and call the policy once per time step for all of them. Observations and
// actions are plain double arrays of observation_size() and action_size() values, so a
// step costs no allocation. Episodes end at a terminal state (done) or after
// episode_length() steps.
class Env {
 public:
  virtual ~Env() = default;
  virtual int64_t observation_size() const = 0;
  virtual int64_t action_size() const = 0;
  virtual int64_t episode_length() const = 0;
  // Starts an episode whose initial state is drawn from `seed` alone; writes the first
  // observation.
  virtual void reset(uint64_t seed, double* observation) = 0;
  // Applies `action` and writes the next observation.
  virtual StepResult step(const double* action, double* observation) = 0;
};

using EnvFactory = std::function<std::unique_ptr<Env>()>;

// Environments by name: "pendulum", "cartpole_balance", "cartpole_soft_walls" and the MuJoCo tasks "swimmer",
// "half_cheetah", "hopper", "walker2d" and "humanoid_stand" are built in; a project adds its
// own with register_env (names are unique).
std::unique_ptr<Env> make_env(const std::string& name);
void register_env(const std::string& name, EnvFactory factory);
std::vector<std::string> env_names();

}  // namespace diffctl
