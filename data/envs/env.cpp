#include "data/envs/env.h"

#include "data/envs/cartpole_balance.h"
#include "data/envs/cartpole_soft_walls.h"
#include "data/envs/gym_locomotion.h"
#include "data/envs/humanoid_stand.h"
#include "data/envs/pendulum.h"
#include "data/envs/swimmer.h"
#include "src/config/named_registry.h"

namespace diffctl {

namespace {

NamedRegistry<EnvFactory>& registry() {
  static NamedRegistry<EnvFactory> instance(
      "env", "an environment",
      {{"pendulum", [] { return std::make_unique<Pendulum>(); }},
       {"cartpole_balance", [] { return std::make_unique<CartPoleBalance>(); }},
       {"cartpole_soft_walls", [] { return std::make_unique<CartPoleSoftWalls>(); }},
       {"swimmer", [] { return std::make_unique<Swimmer>(); }},
       {"half_cheetah", [] { return std::make_unique<GymLocomotion>(half_cheetah_task()); }},
       {"hopper", [] { return std::make_unique<GymLocomotion>(hopper_task()); }},
       {"walker2d", [] { return std::make_unique<GymLocomotion>(walker2d_task()); }},
       {"humanoid_stand", [] { return std::make_unique<HumanoidStand>(); }}});
  return instance;
}

}  // namespace

std::vector<std::string> env_names() { return registry().names(); }

std::unique_ptr<Env> make_env(const std::string& name) { return registry().find(name)(); }

void register_env(const std::string& name, EnvFactory factory) { registry().add(name, std::move(factory)); }

}  // namespace diffctl
