// Gym's Humanoid-v2: its model's published settings, reset noise, the 376 observations and
// the reward recomputed from MuJoCo's state, contact forces present, and termination.
#include "data/envs/env.h"
#include "data/envs/gym_humanoid.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace diffctl {
namespace {

double mass_centre_x(const mjModel& m, const mjData& d) {
  double mass = 0.0, moment = 0.0;
  for (int body = 0; body < m.nbody; ++body) {
    mass += m.body_mass[body];
    moment += m.body_mass[body] * d.xipos[3 * body];
  }
  return moment / mass;
}

TEST(GymHumanoid, TheModelHasGymsSolverMotorsAndSizes) {
  const auto env = make_env("gym_humanoid");
  EXPECT_EQ(env->observation_size(), 376);
  EXPECT_EQ(env->action_size(), 17);
  GymHumanoid humanoid;
  const mjModel& m = humanoid.model();
  EXPECT_DOUBLE_EQ(m.opt.timestep, 0.003);
  EXPECT_EQ(m.opt.integrator, mjINT_RK4);
  EXPECT_EQ(m.opt.solver, mjSOL_PGS);
  EXPECT_EQ(m.opt.iterations, 50);
  EXPECT_EQ(22 + 23 + 10 * m.nbody + 6 * m.nbody + 23 + 6 * m.nbody, 376);
  for (int motor = 0; motor < m.nu; ++motor) EXPECT_DOUBLE_EQ(m.actuator_ctrlrange[2 * motor + 1], 0.4);
}

TEST(GymHumanoid, ResetIsTheReferencePoseWithSmallUniformNoise) {
  GymHumanoid env, again;
  std::vector<double> observation(376), repeated(376);
  env.reset(3, observation.data());
  again.reset(3, repeated.data());
  EXPECT_EQ(observation, repeated);
  const mjModel& m = env.model();
  const mjData& d = env.data();
  for (int i = 0; i < m.nq; ++i) EXPECT_LE(std::abs(d.qpos[i] - m.qpos0[i]), 0.01) << i;
  for (int i = 0; i < m.nv; ++i) EXPECT_LE(std::abs(d.qvel[i]), 0.01) << i;
  EXPECT_NEAR(d.qpos[2], 1.4, 0.01);
  again.reset(4, repeated.data());
  EXPECT_NE(observation, repeated);
}

// Each step's observation is MuJoCo's fields in Gym's order, cfrc_ext among them as
// mj_rnePostConstraint computes it on a copy of the state (non-zero once the feet, which
// start 0.1 above it, land on the floor), and the reward is Gym's from the mass centres
// before and after.
TEST(GymHumanoid, ObservationAndRewardFollowGymsDefinitions) {
  GymHumanoid env;
  std::vector<double> observation(376), action(17);
  env.reset(5, observation.data());
  const mjModel& m = env.model();
  CounterRandom random(6);
  double largest_contact_force = 0.0;
  for (int t = 0; t < 40; ++t) {
    for (double& a : action) a = random.uniform(-0.5, 0.5);  // beyond ±0.4: Gym charges the raw action
    const double before = mass_centre_x(m, env.data());
    const StepResult result = env.step(action.data(), observation.data());
    const mjData& d = env.data();
    mjData* copy = mj_makeData(&m);
    mj_copyData(copy, &m, &d);
    std::fill(copy->cfrc_ext, copy->cfrc_ext + 6 * m.nbody, 0.0);
    mj_rnePostConstraint(&m, copy);
    std::vector<double> expected(d.qpos + 2, d.qpos + m.nq);
    expected.insert(expected.end(), d.qvel, d.qvel + m.nv);
    expected.insert(expected.end(), d.cinert, d.cinert + 10 * m.nbody);
    expected.insert(expected.end(), d.cvel, d.cvel + 6 * m.nbody);
    expected.insert(expected.end(), d.qfrc_actuator, d.qfrc_actuator + m.nv);
    expected.insert(expected.end(), copy->cfrc_ext, copy->cfrc_ext + 6 * m.nbody);
    ASSERT_EQ(observation, expected) << "step " << t;
    double impact = 0.0, control = 0.0;
    for (int i = 0; i < 6 * m.nbody; ++i) {
      impact += copy->cfrc_ext[i] * copy->cfrc_ext[i];
      largest_contact_force = std::max(largest_contact_force, std::abs(copy->cfrc_ext[i]));
    }
    for (double a : action) control += a * a;
    const double forward = 1.25 * (mass_centre_x(m, d) - before) / 0.015;
    ASSERT_NEAR(result.reward, forward - 0.1 * control - std::min(0.5e-6 * impact, 10.0) + 5.0, 1e-9) << "step " << t;
    ASSERT_EQ(result.done, !(d.qpos[2] > 1.0 && d.qpos[2] < 2.0));
    mj_deleteData(copy);
  }
  EXPECT_GT(largest_contact_force, 1.0) << "cfrc_ext all but zero: mj_rnePostConstraint not applied";
}

TEST(GymHumanoid, ALimpHumanoidFallsAndTheEpisodeEnds) {
  GymHumanoid env;
  std::vector<double> observation(376), action(17, 0.0);
  env.reset(1, observation.data());
  int steps = 0;
  bool done = false;
  while (!done && steps < 1000) {
    done = env.step(action.data(), observation.data()).done;
    ++steps;
  }
  EXPECT_TRUE(done);
  EXPECT_LT(env.data().qpos[2], 1.0);
  EXPECT_GT(steps, 5) << "it starts standing";
}

}  // namespace
}  // namespace diffctl
