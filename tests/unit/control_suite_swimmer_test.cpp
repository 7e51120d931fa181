// The Control Suite swimmer (swimmer15): its model, reset, observation and reward against the
// suite's definitions, recomputed from MuJoCo's state.
#include "data/envs/control_suite_swimmer.h"
#include "data/envs/env.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace diffctl {
namespace {

TEST(ControlSuiteSwimmer, FifteenLinksWithTheSuitesJointsMotorsAndMedium) {
  const auto env = make_env("swimmer15");
  ASSERT_EQ(env->observation_size(), 14 + 2 + 45);
  ASSERT_EQ(env->action_size(), 14);
  ControlSuiteSwimmer swimmer(15);
  const mjModel& m = swimmer.model();
  EXPECT_EQ(m.nbody, 16);  // the world, the head and 14 segments
  EXPECT_EQ(m.nq, 17);     // root x, y, angle and 14 joints
  EXPECT_DOUBLE_EQ(m.opt.timestep, 0.002);
  EXPECT_DOUBLE_EQ(m.opt.density, 3000.0);
  EXPECT_TRUE(m.opt.disableflags & mjDSBL_CONTACT);
  for (int joint = 3; joint < m.njnt; ++joint) {
    EXPECT_TRUE(m.jnt_limited[joint]);
    EXPECT_NEAR(m.jnt_range[2 * joint + 1], 24.0 * M_PI / 180.0, 1e-12);  // 360° / 15
  }
  for (int body = 1; body < m.nbody; ++body) EXPECT_NEAR(m.body_mass[body], 0.01, 1e-12);
  for (int motor = 0; motor < m.nu; ++motor) {
    EXPECT_DOUBLE_EQ(m.actuator_gear[6 * motor], 5e-4);
    EXPECT_DOUBLE_EQ(m.actuator_ctrlrange[2 * motor + 1], 1.0);
  }
  EXPECT_THROW(ControlSuiteSwimmer(2), InputError);
}

TEST(ControlSuiteSwimmer, ResetsTheJointsAtRestAndATargetNearOrFar) {
  ControlSuiteSwimmer env(15), again(15);
  std::vector<double> observation(61), repeated(61);
  int near_targets = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    env.reset(seed, observation.data());
    const mjModel& m = env.model();
    const mjData& d = env.data();
    EXPECT_EQ(d.qpos[0], 0.0);
    EXPECT_EQ(d.qpos[1], 0.0);
    EXPECT_LE(std::abs(d.qpos[2]), M_PI);
    for (int i = 3; i < m.nq; ++i) EXPECT_LE(std::abs(d.qpos[i]), 24.0 * M_PI / 180.0);
    for (int i = 0; i < m.nv; ++i) EXPECT_EQ(d.qvel[i], 0.0);
    const double* target = env.target();
    EXPECT_LE(std::max(std::abs(target[0]), std::abs(target[1])), 2.0);
    near_targets += std::max(std::abs(target[0]), std::abs(target[1])) <= 0.3;
  }
  // P(both within 0.3) = 0.2 + 0.8 · (0.3 / 2)² = 0.218: about 87 of 400 (sd 8).
  EXPECT_GT(near_targets, 60);
  EXPECT_LT(near_targets, 115);
  env.reset(7, observation.data());
  again.reset(7, repeated.data());
  EXPECT_EQ(observation, repeated);
}

// After each step: joint angles, the nose-to-target vector in the head's frame, every body's
// velocity in its own frame (from mj_objectVelocity, not the model's sensors), and the
// long-tail reward with scale² = 1/0.1 − 1 = 9.
TEST(ControlSuiteSwimmer, ObservationAndRewardFollowTheSuitesDefinitions) {
  ControlSuiteSwimmer env(15);
  std::vector<double> observation(61), action(14);
  env.reset(11, observation.data());
  CounterRandom random(12);
  const mjModel& m = env.model();
  double farthest_travel = 0.0;
  for (int t = 0; t < 40; ++t) {
    for (double& a : action) a = random.uniform(-1.0, 1.0);
    const double time_before = env.data().time;
    const StepResult result = env.step(action.data(), observation.data());
    ASSERT_FALSE(result.done);
    ASSERT_NEAR(env.data().time - time_before, 0.03, 1e-12);
    mjData* d = mj_makeData(&m);
    mj_copyData(d, &m, &env.data());
    mj_forward(&m, d);
    for (int i = 0; i < 14; ++i) ASSERT_EQ(observation[i], d->qpos[3 + i]);
    const int head = mj_name2id(&m, mjOBJ_BODY, "head"), nose = mj_name2id(&m, mjOBJ_GEOM, "nose");
    const double dx = env.target()[0] - d->geom_xpos[3 * nose], dy = env.target()[1] - d->geom_xpos[3 * nose + 1];
    const double* R = d->xmat + 9 * head;
    ASSERT_NEAR(observation[14], dx * R[0] + dy * R[3], 1e-12);
    ASSERT_NEAR(observation[15], dx * R[1] + dy * R[4], 1e-12);
    for (int body = 0; body < 15; ++body) {
      const int site = mj_name2id(&m, mjOBJ_SITE, body == 0 ? "head" : ("site_" + std::to_string(body - 1)).c_str());
      double velocity[6];  // local frame: angular, then linear
      mj_objectVelocity(&m, d, mjOBJ_SITE, site, velocity, 1);
      ASSERT_NEAR(observation[16 + 3 * body], velocity[3], 1e-9) << "body " << body;
      ASSERT_NEAR(observation[17 + 3 * body], velocity[4], 1e-9) << "body " << body;
      ASSERT_NEAR(observation[18 + 3 * body], velocity[2], 1e-9) << "body " << body;
    }
    const double distance = std::hypot(dx, dy);
    const double beyond = std::max(0.0, distance - 0.1) / 0.5;
    ASSERT_NEAR(result.reward, 1.0 / (9.0 * beyond * beyond + 1.0), 1e-12);
    farthest_travel = std::max(farthest_travel, std::hypot(d->qpos[0], d->qpos[1]));
    mj_deleteData(d);
  }
  EXPECT_GT(farthest_travel, 0.0) << "the strokes move the swimmer";
}

}  // namespace
}  // namespace diffctl
