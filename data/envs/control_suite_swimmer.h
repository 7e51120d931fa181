#pragma once

#include "data/envs/mujoco_env.h"

#include <string>

namespace diffctl {

// The DeepMind Control Suite's swimmer with `links` links (swimmer15: 15) in a viscous medium
// (density 3000, no contacts), its model made as the suite makes it: a head and links − 1
// segments of length 0.1 (mass 0.01 each), hinges limited to ±360°/links, motors of gear 5e-4
// on controls in [−1, 1]. One step applies the action for 15 simulation steps of 0.002 s
// (control step 0.03 s); episodes last 1000 steps (30 s) and never end early.
//   reset: the root hinge uniform in ±π, every joint uniform in its range, at rest; the
//     target uniform in ±2 (x and y), or in ±0.3 with probability 0.2
//   observation (4·links + 1): joint angles qpos[3:] (links − 1), the nose-to-target vector
//     in the head's frame (x, y), and every body's velocity in its own frame, head first:
//     linear x, y and angular z (3·links)
//   reward in [0, 1]: tolerance(‖nose-to-target‖, [0, 0.1], margin 0.5, long tail)
class ControlSuiteSwimmer : public MujocoEnv {
 public:
  static constexpr int kFrameSkip = 15;
  static constexpr double kTargetSize = 0.1;

  explicit ControlSuiteSwimmer(int links);

  int64_t observation_size() const override { return 4 * links_ + 1; }
  int64_t episode_length() const override { return 1000; }
  void reset(uint64_t seed, double* observation) override;
  StepResult step(const double* action, double* observation) override;

  // This episode's target, (x, y) in the world, at the nose's height.
  const double* target() const { return target_; }
  // The suite's swimmer model with `links` links, as MJCF.
  static std::string model_xml(int links);

 private:
  void observe(double* observation) const;
  int links_;
  int head_, nose_;
  double target_[2] = {0.0, 0.0};
};

}  // namespace diffctl
