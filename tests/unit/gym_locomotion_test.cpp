// Gym's planar locomotion tasks (HalfCheetah, Hopper, Walker2d, Swimmer) against their definitions,
// stepped independently through MuJoCo's C API.
#include "data/data_path.h"
#include "data/envs/env.h"
#include "data/envs/gym_locomotion.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace diffctl {
namespace {

// Each task's constants as Gym's v2 source states them (not read from the task): the test
// fails when a task's own fields drift from Gym's.
struct TaskCase {
  const char* name;
  LocomotionTask (*task)();
  int64_t observation_size;
  int64_t action_size;
  int observed_from;       // qpos[observed_from:] is observed
  double dt;               // frame_skip × timestep
  double control_cost;
  double alive_bonus;
  double velocity_clip;    // ∞: observed raw
  double min_height, max_height, max_angle, state_bound;  // healthy range (∞: never ends)
  double reset_noise;
  bool gaussian_velocity_noise;
};

constexpr double kNever = INFINITY;
const TaskCase kHalfCheetah{"half_cheetah", half_cheetah_task, 17, 6, 1, 0.05, 0.1, 0.0, kNever,
                            -kNever, kNever, kNever, kNever, 0.1, true};
const TaskCase kHopper{"hopper", hopper_task, 11, 3, 1, 0.008, 1e-3, 1.0, 10.0, 0.7, kNever, 0.2, 100.0, 5e-3, false};
const TaskCase kWalker2d{"walker2d", walker2d_task, 17, 6, 1, 0.008, 1e-3, 1.0, 10.0, 0.8, 2.0, 1.0, kNever, 5e-3, false};
const TaskCase kSwimmer{"swimmer", swimmer_task, 8, 2, 2, 0.04, 1e-4, 0.0, kNever, -kNever, kNever, kNever, kNever, 0.1, false};

bool healthy(const TaskCase& c, const mjModel& model, const mjData& data) {
  const double height = data.qpos[1], angle = data.qpos[2];
  bool in_range = height > c.min_height && height < c.max_height && std::abs(angle) < c.max_angle;
  for (int i = 2; i < model.nq; ++i) in_range = in_range && std::abs(data.qpos[i]) < c.state_bound;
  for (int i = 0; i < model.nv; ++i) in_range = in_range && std::abs(data.qvel[i]) < c.state_bound;
  return in_range;
}

class GymLocomotionTask : public ::testing::TestWithParam<TaskCase> {};

// One env step equals the task's MuJoCo steps of a separately loaded model from the same
// state; the reward is Gym's (Δx_root / dt + alive bonus − c ‖a‖², raw action), the
// observation qpos[observed_from:] with qvel (clipped for Hopper and Walker2d), and the
// episode ends exactly when the robot leaves Gym's healthy range.
TEST_P(GymLocomotionTask, StepIsGymsStepRewardAndTermination) {
  const TaskCase& c = GetParam();
  GymLocomotion env(c.task());
  ASSERT_EQ(env.observation_size(), c.observation_size);
  ASSERT_EQ(env.action_size(), c.action_size);
  EXPECT_EQ(make_env(c.name)->observation_size(), c.observation_size);
  std::vector<double> observation(c.observation_size), action(c.action_size);
  env.reset(3, observation.data());
  char error[500] = "";
  mjModel* model = mj_loadXML(find_data_file(c.task().model_file).c_str(), nullptr, error, sizeof(error));
  ASSERT_NE(model, nullptr) << error;
  mjData* data = mj_makeData(model);
  const int frame_skip = static_cast<int>(std::lround(c.dt / model->opt.timestep));
  ASSERT_NEAR(frame_skip * model->opt.timestep, c.dt, 1e-12);
  CounterRandom random(11);
  for (int t = 0; t < 40; ++t) {
    mj_copyData(data, model, &env.data());
    double squared = 0.0;
    for (auto& a : action) {
      a = random.uniform(-1.3, 1.3);
      squared += a * a;
    }
    const double x_before = data->qpos[0];
    for (int i = 0; i < model->nu; ++i) data->ctrl[i] = action[i];
    for (int k = 0; k < frame_skip; ++k) mj_step(model, data);
    const StepResult result = env.step(action.data(), observation.data());
    const double expected = (data->qpos[0] - x_before) / c.dt + c.alive_bonus - c.control_cost * squared;
    ASSERT_NEAR(result.reward, expected, 1e-9) << c.name << " step " << t;
    ASSERT_EQ(result.done, !healthy(c, *model, *data)) << c.name << " step " << t;
    for (int i = c.observed_from; i < model->nq; ++i) ASSERT_EQ(observation[i - c.observed_from], data->qpos[i]);
    for (int i = 0; i < model->nv; ++i) {
      ASSERT_EQ(observation[model->nq - c.observed_from + i], std::clamp(data->qvel[i], -c.velocity_clip, c.velocity_clip));
    }
    if (result.done) break;
  }
  mj_deleteData(data);
  mj_deleteModel(model);
}

// With the motors off, HalfCheetah and the Swimmer never end their episodes; Hopper and
// Walker2d fall over, and the episode ends exactly at the first step whose state leaves
// Gym's healthy range.
TEST_P(GymLocomotionTask, EndsWhenTheRobotLeavesItsHealthyRange) {
  const TaskCase& c = GetParam();
  GymLocomotion env(c.task());
  std::vector<double> observation(c.observation_size), action(c.action_size, 0.0);
  env.reset(1, observation.data());
  int done_at = -1;
  for (int t = 0; t < 1000 && done_at < 0; ++t) {
    const StepResult result = env.step(action.data(), observation.data());
    ASSERT_EQ(result.done, !healthy(c, env.model(), env.data())) << c.name << " step " << t;
    if (result.done) done_at = t;
  }
  if (c.min_height == -kNever) {
    EXPECT_EQ(done_at, -1);
  } else {
    EXPECT_GT(done_at, 5) << c.name << " starts healthy";
  }
}

// Resets add Gym's noise to the reference pose: qpos + U(±a), qvel + U(±a), or a·N(0, 1) for
// HalfCheetah's velocities. Over 300 seeds the offsets have mean 0 and the distribution's
// standard deviation (a/√3, or a), and reach out to the edge of the range (or, for normal
// noise, beyond it); a seed gives the same state every time.
TEST_P(GymLocomotionTask, ResetNoiseFollowsGym) {
  const TaskCase& c = GetParam();
  GymLocomotion env(c.task());
  std::vector<double> observation(c.observation_size), again(c.observation_size);
  const int nq = env.model().nq, nv = env.model().nv;
  double position_sum = 0, position_squares = 0, position_largest = 0;
  double velocity_sum = 0, velocity_squares = 0, velocity_largest = 0;
  constexpr int kSeeds = 300;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    env.reset(seed, observation.data());
    for (int i = 0; i < nq; ++i) {
      const double offset = env.data().qpos[i] - env.model().qpos0[i];
      position_sum += offset;
      position_squares += offset * offset;
      position_largest = std::max(position_largest, std::abs(offset));
    }
    for (int i = 0; i < nv; ++i) {
      const double velocity = env.data().qvel[i];
      velocity_sum += velocity;
      velocity_squares += velocity * velocity;
      velocity_largest = std::max(velocity_largest, std::abs(velocity));
    }
  }
  const double a = c.reset_noise, uniform_sd = a / std::sqrt(3.0);
  EXPECT_NEAR(position_sum / (kSeeds * nq), 0.0, 0.05 * a) << c.name;
  EXPECT_NEAR(std::sqrt(position_squares / (kSeeds * nq)), uniform_sd, 0.05 * uniform_sd) << c.name;
  EXPECT_GT(position_largest, 0.98 * a) << c.name;
  const double velocity_sd = c.gaussian_velocity_noise ? a : uniform_sd;
  EXPECT_NEAR(velocity_sum / (kSeeds * nv), 0.0, 0.05 * a) << c.name;
  EXPECT_NEAR(std::sqrt(velocity_squares / (kSeeds * nv)), velocity_sd, 0.05 * velocity_sd) << c.name;
  if (c.gaussian_velocity_noise) {
    EXPECT_GT(velocity_largest, 2.0 * a) << c.name;
  } else {
    EXPECT_GT(velocity_largest, 0.98 * a) << c.name;
  }
  env.reset(9, observation.data());
  env.reset(9, again.data());
  EXPECT_EQ(observation, again);
  env.reset(10, again.data());
  EXPECT_NE(observation, again);
}

INSTANTIATE_TEST_SUITE_P(Tasks, GymLocomotionTask, ::testing::Values(kHalfCheetah, kHopper, kWalker2d, kSwimmer),
                         [](const auto& info) { return std::string(info.param.name); });

// The models keep Gym's conventions through their translation to local coordinates: the
// height qpos[1] is the torso's height above the floor for Hopper and Walker2d (1.25 at
// rest), and HalfCheetah weighs 14.
TEST(GymLocomotion, ModelsKeepGymsConventions) {
  for (const auto& task : {hopper_task(), walker2d_task()}) {
    GymLocomotion env(task);
    std::vector<double> observation(env.observation_size());
    env.reset(4, observation.data());
    const int torso = mj_name2id(&env.model(), mjOBJ_BODY, "torso");
    EXPECT_NEAR(env.data().xpos[3 * torso + 2], env.data().qpos[1], 1e-12) << task.model_file;
    EXPECT_DOUBLE_EQ(env.model().qpos0[1], 1.25);
  }
  GymLocomotion cheetah(half_cheetah_task());
  double mass = 0.0;
  for (int b = 0; b < cheetah.model().nbody; ++b) mass += cheetah.model().body_mass[b];
  EXPECT_NEAR(mass, 14.0, 1e-9);
}

// The robots stand on the floor: contacts hold a resting HalfCheetah up (its torso stays
// well above the ground, which it would fall through without them).
TEST(GymLocomotion, TheFloorHoldsTheCheetahUp) {
  GymLocomotion cheetah(half_cheetah_task());
  std::vector<double> observation(17), action(6, 0.0);
  cheetah.reset(2, observation.data());
  for (int t = 0; t < 200; ++t) cheetah.step(action.data(), observation.data());
  EXPECT_GT(cheetah.data().ncon, 0);
  const int torso = mj_name2id(&cheetah.model(), mjOBJ_BODY, "torso");
  EXPECT_GT(cheetah.data().xpos[3 * torso + 2], 0.3);
  EXPECT_LT(std::abs(cheetah.data().qvel[0]), 0.5);
}

TEST(GymLocomotion, AMissingModelFileIsAnInputErrorNamingIt) {
  LocomotionTask task = hopper_task();
  task.model_file = "mujoco/no_such_robot.xml";
  try {
    GymLocomotion env(task);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("mujoco/no_such_robot.xml: not found"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace diffctl
