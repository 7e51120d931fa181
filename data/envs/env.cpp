#include "data/envs/env.h"

#include "data/envs/cartpole_balance.h"
#include "data/envs/cartpole_soft_walls.h"
#include "data/envs/gym_locomotion.h"
#include "data/envs/humanoid_stand.h"
#include "data/envs/pendulum.h"
#include "data/envs/swimmer.h"
#include "src/error.h"

#include <map>
#include <mutex>

namespace diffctl {

namespace {

struct EnvRegistry {
  std::mutex mutex;
  std::map<std::string, EnvFactory> factories{
      {"pendulum", [] { return std::make_unique<Pendulum>(); }},
      {"cartpole_balance", [] { return std::make_unique<CartPoleBalance>(); }},
      {"cartpole_soft_walls", [] { return std::make_unique<CartPoleSoftWalls>(); }},
      {"swimmer", [] { return std::make_unique<Swimmer>(); }},
      {"half_cheetah", [] { return std::make_unique<GymLocomotion>(half_cheetah_task()); }},
      {"hopper", [] { return std::make_unique<GymLocomotion>(hopper_task()); }},
      {"walker2d", [] { return std::make_unique<GymLocomotion>(walker2d_task()); }},
      {"humanoid_stand", [] { return std::make_unique<HumanoidStand>(); }}};
};

EnvRegistry& registry() {
  static EnvRegistry instance;
  return instance;
}

}  // namespace

std::vector<std::string> env_names() {
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto& entry : registry().factories) names.push_back(entry.first);
  return names;
}

std::unique_ptr<Env> make_env(const std::string& name) {
  EnvFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry().mutex);
    const auto found = registry().factories.find(name);
    if (found != registry().factories.end()) factory = found->second;
  }
  if (!factory) {
    std::string known;
    for (const auto& known_name : env_names()) known += (known.empty() ? "\"" : ", \"") + known_name + "\"";
    throw InputError("env: expected one of " + known + ", got \"" + name + "\"");
  }
  return factory();
}

void register_env(const std::string& name, EnvFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  if (!registry().factories.emplace(name, std::move(factory)).second) {
    throw Error("register_env: an environment named \"" + name + "\" is registered already");
  }
}

}  // namespace diffctl
