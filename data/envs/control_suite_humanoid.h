#pragma once

#include "data/envs/control_suite_tolerance.h"
#include "data/envs/mujoco_env.h"

#include <string>

namespace diffctl {

// Where Debian's libmujoco-samples puts the DeepMind Control Suite humanoid (21 motors).
inline const char* kHumanoidModelPath = "/usr/share/mujoco/model/humanoid/humanoid.xml";

// The DeepMind Control Suite's humanoid stand, walk and run tasks on MuJoCo's humanoid model.
// One step applies the action as the 21 motors' controls for 5 simulation steps of 0.005 s
// (control step 0.025 s); episodes last 1000 steps (25 s) and never end early.
//   reset: every limited hinge uniform in its range, the torso's orientation a uniformly
//     random quaternion at height 1.5, zero velocity; redrawn until nothing touches.
//   observation (67): joint angles qpos[7:] (21), head height (1), hands' and feet's
//     positions relative to the torso in the torso's frame (left hand, left foot, right
//     hand, right foot: 12), the torso's z axis (3), the centre-of-mass velocity (3), qvel (27)
//   reward in [0, 1], with the suite's tolerance(x, bounds, margin, sigmoid):
//     small_control · standing · upright · (dont_move when standing still, else move), where
//     standing = tol(head height, [1.4, ∞), 0.35, gaussian), upright = tol(torso zz, [0.9, ∞),
//     1.9, linear), small_control = (4 + mean tol(u, 0, 1, quadratic)) / 5 on the raw action,
//     dont_move = mean over the horizontal centre-of-mass velocity of tol(v, 0, 2, gaussian),
//     move = (5·tol(‖horizontal centre-of-mass velocity‖, [speed, ∞), speed, linear) + 1) / 6.
class ControlSuiteHumanoid : public MujocoEnv {
 public:
  static constexpr int kFrameSkip = 5;
  static constexpr double kStandHeight = 1.4;
  static constexpr double kWalkSpeed = 1.0, kRunSpeed = 10.0;

  // move_speed 0 stands still (stand), kWalkSpeed walks, kRunSpeed runs.
  explicit ControlSuiteHumanoid(double move_speed = 0.0, const std::string& model_path = kHumanoidModelPath);

  int64_t observation_size() const override { return 67; }
  int64_t episode_length() const override { return 1000; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  // The task's reward for the current state and controls (data().ctrl).
  double reward() const;

 private:
  void observe(double* observation) const;
  double move_speed_;
  int torso_, head_;
  int extremities_[4];
};

}  // namespace diffctl
