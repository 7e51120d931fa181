#pragma once

#include "data/envs/mujoco_env.h"

namespace diffctl {

// Gym's Humanoid-v2 on its own model (data/mujoco/gym_humanoid.xml: 17 motors, RK4 at
// 0.003 s, PGS with 50 iterations). One step applies the action as the raw controls for 5
// simulation steps (dt 0.015 s); episodes last at most 1000 steps.
//   reset: qpos0 + U(±0.01) on every position coordinate, U(±0.01) on every velocity
//   observation (376): qpos[2:] (22), qvel (23), cinert (14 bodies × 10), cvel (14 × 6),
//     qfrc_actuator (23), cfrc_ext (14 × 6), as MuJoCo leaves them after the last simulation
//     step; cfrc_ext from mj_rnePostConstraint (mj_step does not compute it since MuJoCo 2.0)
//   reward: 1.25 · Δ(mass-weighted x of the bodies' centres) / dt − 0.1 ‖ctrl‖²
//     − min(0.5e-6 ‖cfrc_ext‖², 10) + 5
//   done when the root's height qpos[2] leaves (1, 2) (or the state is not finite)
class GymHumanoid : public MujocoEnv {
 public:
  static constexpr int kFrameSkip = 5;

  GymHumanoid();

  int64_t observation_size() const override { return 376; }
  int64_t episode_length() const override { return 1000; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;


 private:
  double mass_centre_x() const;
  void observe(double* observation) const;
};

}  // namespace diffctl
