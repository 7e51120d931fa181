#include "data/envs/env.h"

#include "data/envs/cartpole_balance.h"
#include "data/envs/cartpole_soft_walls.h"
#include "data/envs/contact_task.h"
#include "data/envs/control_suite_humanoid.h"
#include "data/envs/control_suite_swimmer.h"
#include "data/envs/gym_humanoid.h"
#include "data/envs/gym_locomotion.h"
#include "data/envs/pendulum.h"
#include "src/config/named_registry.h"

namespace diffctl {

namespace {

NamedRegistry<EnvFactory>& env_registry() {
  static NamedRegistry<EnvFactory> instance(
      "env", "an environment",
      {{"pendulum", [] { return std::make_unique<Pendulum>(); }},
       {"cartpole_balance", [] { return std::make_unique<CartPoleBalance>(); }},
       {"cartpole_soft_walls", [] { return std::make_unique<CartPoleSoftWalls>(); }},
       {"random_lcs_control", []() -> std::unique_ptr<Env> { return make_contact_task("random_lcs_control").make_env(); }},
       {"swimmer", [] { return std::make_unique<GymLocomotion>(swimmer_task()); }},
       {"half_cheetah", [] { return std::make_unique<GymLocomotion>(half_cheetah_task()); }},
       {"hopper", [] { return std::make_unique<GymLocomotion>(hopper_task()); }},
       {"walker2d", [] { return std::make_unique<GymLocomotion>(walker2d_task()); }},
       {"gym_humanoid", [] { return std::make_unique<GymHumanoid>(); }},
       {"swimmer6", [] { return std::make_unique<ControlSuiteSwimmer>(6); }},
       {"swimmer15", [] { return std::make_unique<ControlSuiteSwimmer>(15); }},
       {"humanoid_stand", [] { return std::make_unique<ControlSuiteHumanoid>(); }},
       {"humanoid_walk", [] { return std::make_unique<ControlSuiteHumanoid>(ControlSuiteHumanoid::kWalkSpeed); }},
       {"humanoid_run", [] { return std::make_unique<ControlSuiteHumanoid>(ControlSuiteHumanoid::kRunSpeed); }}});
  return instance;
}

}  // namespace

std::vector<std::string> env_names() { return env_registry().names(); }

std::unique_ptr<Env> make_env(const std::string& name) { return env_registry().find(name)(); }

void register_env(const std::string& name, EnvFactory factory) { env_registry().add(name, std::move(factory)); }

}  // namespace diffctl
