#include "data/envs/gym_locomotion.h"

#include "data/data_path.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

LocomotionTask half_cheetah_task() {
  LocomotionTask task;
  task.model_file = "mujoco/half_cheetah.xml";
  task.frame_skip = 5;
  task.control_cost = 0.1;
  task.reset_noise = 0.1;
  task.gaussian_velocity_noise = true;
  return task;
}

LocomotionTask hopper_task() {
  LocomotionTask task;
  task.model_file = "mujoco/hopper.xml";
  task.alive_bonus = 1.0;
  task.velocity_clip = 10.0;
  task.min_height = 0.7;
  task.max_angle = 0.2;
  task.state_bound = 100.0;
  return task;
}

LocomotionTask walker2d_task() {
  LocomotionTask task;
  task.model_file = "mujoco/walker2d.xml";
  task.alive_bonus = 1.0;
  task.velocity_clip = 10.0;
  task.min_height = 0.8;
  task.max_height = 2.0;
  task.max_angle = 1.0;
  return task;
}

LocomotionTask swimmer_task() {
  LocomotionTask task;
  task.model_file = "mujoco/swimmer.xml";
  task.excluded_positions = 2;
  task.control_cost = 1e-4;
  task.reset_noise = 0.1;
  return task;
}

namespace {
MujocoModel locomotion_model(const std::string& file) {
  const std::string path = find_data_file(file);
  if (path.empty()) throw InputError(file + ": not found under ./data, $DIFFCTL_DATA_DIR or the checkout");
  MujocoModel model = load_mujoco_model(path);
  const bool planar_root = model->njnt >= 3 && model->jnt_type[0] == mjJNT_SLIDE && model->jnt_type[1] == mjJNT_SLIDE &&
                           model->jnt_type[2] == mjJNT_HINGE;
  if (!planar_root || model->nu < 1) {
    throw InputError(file + ": expected a planar robot (root joints slide, slide, hinge) with motors");
  }
  return model;
}
}  // namespace

GymLocomotion::GymLocomotion(LocomotionTask task)
    : MujocoEnv(locomotion_model(task.model_file)), task_(std::move(task)) {
  if (task_.excluded_positions < 0 || task_.excluded_positions > model_->nq) {
    throw InputError(task_.model_file + ": excluded_positions must lie in [0, nq = " + std::to_string(model_->nq) + "]");
  }
}

void GymLocomotion::reset(uint64_t seed, double* observation) {
  mj_resetData(model_.get(), data_.get());
  CounterRandom random(seed);
  const double noise = task_.reset_noise;
  for (int i = 0; i < model_->nq; ++i) data_->qpos[i] = model_->qpos0[i] + random.uniform(-noise, noise);
  for (int i = 0; i < model_->nv; ++i) {
    data_->qvel[i] = task_.gaussian_velocity_noise ? noise * random.normal() : random.uniform(-noise, noise);
  }
  mj_forward(model_.get(), data_.get());
  observe(observation);
}

StepResult GymLocomotion::step(const double* action, double* observation) {
  const double x_before = data_->qpos[0];
  double squared_action = 0.0;
  for (int i = 0; i < model_->nu; ++i) {
    data_->ctrl[i] = action[i];
    squared_action += action[i] * action[i];
  }
  for (int k = 0; k < task_.frame_skip; ++k) mj_step(model_.get(), data_.get());
  observe(observation);
  const double dt = task_.frame_skip * model_->opt.timestep;
  const double reward = (data_->qpos[0] - x_before) / dt + task_.alive_bonus - task_.control_cost * squared_action;
  return {reward, !healthy()};
}

bool GymLocomotion::healthy() const {
  const double height = data_->qpos[1], angle = data_->qpos[2];
  bool within = height > task_.min_height && height < task_.max_height && std::abs(angle) < task_.max_angle;
  for (int i = 0; i < model_->nq + model_->nv; ++i) {
    const double value = i < model_->nq ? data_->qpos[i] : data_->qvel[i - model_->nq];
    if (!std::isfinite(value)) return false;
    if (task_.state_bound > 0.0 && i >= 2 && std::abs(value) >= task_.state_bound) within = false;
  }
  return within;
}

void GymLocomotion::observe(double* observation) const {
  const int excluded = task_.excluded_positions;
  for (int i = excluded; i < model_->nq; ++i) observation[i - excluded] = data_->qpos[i];
  const double clip = task_.velocity_clip;
  for (int i = 0; i < model_->nv; ++i) {
    const double velocity = data_->qvel[i];
    observation[model_->nq - excluded + i] = clip > 0.0 ? std::clamp(velocity, -clip, clip) : velocity;
  }
}

}  // namespace diffctl
