#pragma once

#include "data/envs/env.h"
#include "data/envs/mujoco_model.h"

namespace diffctl {

// Gym's Swimmer (v2) on MuJoCo (data/mujoco/swimmer.xml): a three-link swimmer in a viscous
// plane, two hinge motors. One step applies the action as the motors' controls (MuJoCo clips
// them to [−1, 1]) for 4 simulation steps of 0.01 s.
//   observation: qpos[2:] (root angle, two hinge angles) and qvel (8 values)
//   reward: (x_root after − x_root before) / 0.04 − 1e-4 ‖a‖², a the raw action
// Episodes start at the reference pose plus U(−0.1, 0.1) on every qpos and qvel entry and
// last 1000 steps (no terminal state).
class Swimmer : public Env {
 public:
  static constexpr int kFrameSkip = 4;
  static constexpr double kControlCost = 1e-4;
  static constexpr double kResetNoise = 0.1;

  Swimmer();

  int64_t observation_size() const override { return 8; }
  int64_t action_size() const override { return 2; }
  int64_t episode_length() const override { return 1000; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  // The simulation, for tests and rendering.
  const mjModel& model() const { return *model_; }
  const mjData& data() const { return *data_; }

 private:
  void observe(double* observation) const;
  MujocoModel model_;
  MujocoData data_;
};

}  // namespace diffctl
