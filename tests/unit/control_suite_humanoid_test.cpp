// The Control Suite humanoid's stand, walk and run tasks: reset, observation and rewards
// against their definitions, computed independently from MuJoCo's state.
#include "data/envs/env.h"
#include "data/envs/control_suite_humanoid.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace diffctl {
namespace {

// Reset: collision-free, at rest, a unit quaternion, joints within their limits, seeded.
TEST(ControlSuiteHumanoid, ResetsToACollisionFreeRandomPoseAtRest) {
  ControlSuiteHumanoid env, again;
  std::vector<double> observation(67), repeated(67), other(67);
  env.reset(3, observation.data());
  again.reset(3, repeated.data());
  EXPECT_EQ(observation, repeated);
  again.reset(4, other.data());
  EXPECT_NE(observation, other);
  const mjModel& m = env.model();
  const mjData& d = env.data();
  EXPECT_EQ(d.ncon, 0);
  double norm = 0.0;
  for (int i = 3; i < 7; ++i) norm += d.qpos[i] * d.qpos[i];
  EXPECT_NEAR(norm, 1.0, 1e-12);
  for (int j = 1; j < m.njnt; ++j) {
    const double q = d.qpos[m.jnt_qposadr[j]];
    EXPECT_GE(q, m.jnt_range[2 * j]);
    EXPECT_LE(q, m.jnt_range[2 * j + 1]);
  }
  for (int i = 0; i < m.nv; ++i) EXPECT_EQ(d.qvel[i], 0.0);
  EXPECT_EQ(make_env("humanoid_stand")->observation_size(), 67);
  EXPECT_EQ(env.action_size(), 21);
}

// After a step the observation and the reward are the definitions' values, recomputed here
// from a forward pass over a copy of the state: stand (move speed 0), walk (1 m/s), run (10).
class ControlSuiteHumanoidTask : public ::testing::TestWithParam<double> {};

TEST_P(ControlSuiteHumanoidTask, ObservationAndRewardFollowTheSuitesDefinitions) {
  const double move_speed = GetParam();
  ControlSuiteHumanoid env(move_speed);
  std::vector<double> observation(67), action(21);
  env.reset(5, observation.data());
  double move_seen = 0.0;
  CounterRandom random(6);
  for (int t = 0; t < 20; ++t) {
    for (auto& a : action) a = random.uniform(-1.2, 1.2);
    const StepResult result = env.step(action.data(), observation.data());
    ASSERT_FALSE(result.done);
    const mjModel& m = env.model();
    mjData* d = mj_makeData(&m);
    mj_copyData(d, &m, &env.data());
    mj_forward(&m, d);
    mj_subtreeVel(&m, d);
    const int torso = mj_name2id(&m, mjOBJ_BODY, "torso"), head = mj_name2id(&m, mjOBJ_BODY, "head");
    for (int i = 0; i < 21; ++i) ASSERT_NEAR(observation[i], d->qpos[7 + i], 1e-12);
    ASSERT_NEAR(observation[21], d->xpos[3 * head + 2], 1e-12);
    const char* limbs[4] = {"left_hand", "left_foot", "right_hand", "right_foot"};
    for (int l = 0; l < 4; ++l) {
      const int limb = mj_name2id(&m, mjOBJ_BODY, limbs[l]);
      for (int b = 0; b < 3; ++b) {  // (x_limb − x_torso) · (torso's axis b)
        double expected = 0.0;
        for (int a = 0; a < 3; ++a) expected += (d->xpos[3 * limb + a] - d->xpos[3 * torso + a]) * d->xmat[9 * torso + 3 * a + b];
        ASSERT_NEAR(observation[22 + 3 * l + b], expected, 1e-9);
      }
    }
    for (int i = 0; i < 3; ++i) ASSERT_NEAR(observation[34 + i], d->xmat[9 * torso + 6 + i], 1e-12);
    for (int i = 0; i < 3; ++i) ASSERT_NEAR(observation[37 + i], d->subtree_linvel[3 * torso + i], 1e-9);
    for (int i = 0; i < 27; ++i) ASSERT_EQ(observation[40 + i], d->qvel[i]);
    // The reward's factors, each in [0, 1].
    double control = 0.0;
    for (double a : action) control += (std::abs(a) < 1 ? 1 - a * a : 0.0) / 21;
    const double height = d->xpos[3 * head + 2], upright = d->xmat[9 * torso + 8];
    const double standing = height >= 1.4 ? 1.0 : std::exp(-0.5 * std::pow((1.4 - height) / 0.35, 2) * -2 * std::log(0.1));
    const double upright_factor = upright >= 0.9 ? 1.0 : std::max(0.0, 1.0 - (0.9 - upright) / 1.9);
    double motion = 0.0;  // dont_move standing still, else move
    if (move_speed == 0.0) {
      for (int a = 0; a < 2; ++a) motion += 0.5 * std::pow(0.1, std::pow(d->subtree_linvel[3 * torso + a] / 2.0, 2));
    } else {
      // Below the target speed v, the linear tolerance with margin v is speed / v.
      const double speed = std::hypot(d->subtree_linvel[3 * torso], d->subtree_linvel[3 * torso + 1]);
      motion = (5 * std::min(1.0, speed / move_speed) + 1) / 6;
      move_seen = std::max(move_seen, motion);
    }
    ASSERT_NEAR(result.reward, (4 + control) / 5 * standing * upright_factor * motion, 1e-9) << "step " << t;
    mj_deleteData(d);
  }
  if (move_speed > 0.0) EXPECT_GT(move_seen, 1.0 / 6.0 + 1e-3) << "the falling body moves";
}

INSTANTIATE_TEST_SUITE_P(StandWalkRun, ControlSuiteHumanoidTask,
                         ::testing::Values(0.0, ControlSuiteHumanoid::kWalkSpeed, ControlSuiteHumanoid::kRunSpeed));

// make_env's walk and run differ only in the target speed: on the same trajectory, walk's
// move factor is never below run's (speed / 1 against speed / 10 under the targets).
TEST(ControlSuiteHumanoid, WalkAndRunAreRegisteredWithTheirSpeeds) {
  const auto walk = make_env("humanoid_walk"), run = make_env("humanoid_run");
  ASSERT_EQ(walk->observation_size(), 67);
  std::vector<double> walk_observation(67), run_observation(67), action(21);
  walk->reset(2, walk_observation.data());
  run->reset(2, run_observation.data());
  ASSERT_EQ(walk_observation, run_observation);
  CounterRandom random(3);
  bool walk_ahead = false;
  for (int t = 0; t < 20; ++t) {
    for (auto& a : action) a = random.uniform(-1.0, 1.0);
    const double walk_reward = walk->step(action.data(), walk_observation.data()).reward;
    const double run_reward = run->step(action.data(), run_observation.data()).reward;
    ASSERT_EQ(walk_observation, run_observation);
    EXPECT_GE(walk_reward, run_reward) << "step " << t;
    walk_ahead = walk_ahead || walk_reward > run_reward;
  }
  EXPECT_TRUE(walk_ahead);
}

// A humanoid dropped in a random pose ends on the floor: lying down, it earns almost
// nothing, as the task intends for a policy that does not stand up.
TEST(ControlSuiteHumanoid, ALimpHumanoidFallsAndEarnsLittle) {
  ControlSuiteHumanoid env;
  std::vector<double> observation(67), action(21, 0.0);
  env.reset(1, observation.data());
  double late_reward = 0.0;
  for (int t = 0; t < 200; ++t) {
    const double reward = env.step(action.data(), observation.data()).reward;
    if (t >= 100) late_reward += reward / 100;
  }
  EXPECT_LT(observation[21], 0.8);  // head height
  EXPECT_LT(late_reward, 0.05);
}

TEST(ControlSuiteHumanoid, AMissingModelFileIsAnInputErrorNamingIt) {
  try {
    ControlSuiteHumanoid env(0.0, "/nonexistent/humanoid.xml");
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/humanoid.xml: not found"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace diffctl
