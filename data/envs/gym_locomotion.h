#pragma once

#include "data/envs/mujoco_env.h"

#include <string>

namespace diffctl {

// What distinguishes one of Gym's (v2) planar locomotion tasks from another.
struct LocomotionTask {
  std::string model_file;       // under data/, e.g. "mujoco/hopper.xml"
  int frame_skip = 4;           // MuJoCo steps per environment step
  int excluded_positions = 1;   // qpos[excluded:] is observed (Gym leaves out the root's x, or x and y)
  double control_cost = 1e-3;   // weight of ‖a‖² (a the raw action)
  double alive_bonus = 0.0;     // added every step, the terminal one included
  double reset_noise = 0.005;   // qpos += U(±noise); qvel += U(±noise), or noise·N(0, 1)
  bool gaussian_velocity_noise = false;
  double velocity_clip = 0.0;   // observed qvel clipped to ±clip; 0 observes it raw
  // The episode ends when the torso height qpos[1] or angle qpos[2] leaves these bounds,
  // or when any of qpos[2:], qvel exceeds state_bound in magnitude (0: never).
  double min_height = -1e300, max_height = 1e300, max_angle = 1e300, state_bound = 0.0;
  int64_t episode_length = 1000;
};

// Gym's HalfCheetah-v2: frame skip 5, control cost 0.1, no alive bonus or termination,
// qvel reset noise 0.1·N(0, 1).
LocomotionTask half_cheetah_task();
// Gym's Hopper-v2: alive bonus 1, ends unless height > 0.7, |angle| < 0.2, |state| < 100.
LocomotionTask hopper_task();
// Gym's Walker2d-v2: alive bonus 1, ends unless 0.8 < height < 2 and |angle| < 1.
LocomotionTask walker2d_task();
// Gym's Swimmer-v2: a three-link swimmer in a viscous plane (root slide x, slide y, hinge z),
// frame skip 4 of 0.01 s, control cost 1e-4, observes qpos[2:] and qvel, reset noise U(±0.1)
// on qpos and qvel, never ends before its 1000 steps.
LocomotionTask swimmer_task();

// A planar MuJoCo robot whose root joints are two slides and a hinge (qpos[0..2]; the
// first slide is x), rewarded for forward speed as in Gym's v2 tasks:
//   observation: qpos[excluded_positions:] and qvel (clipped when the task says so)
//   reward: (x_root after − x_root before) / (frame_skip · timestep) + alive_bonus − c ‖a‖²
// One step sets the action as the motors' controls (MuJoCo clips them to their range).
class GymLocomotion : public MujocoEnv {
 public:
  explicit GymLocomotion(LocomotionTask task);

  int64_t observation_size() const override { return model_->nq - task_.excluded_positions + model_->nv; }
  int64_t episode_length() const override { return task_.episode_length; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  const LocomotionTask& task() const { return task_; }

 private:
  bool healthy() const;
  void observe(double* observation) const;
  LocomotionTask task_;
};

}  // namespace diffctl
