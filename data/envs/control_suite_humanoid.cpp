#include "data/envs/control_suite_humanoid.h"

#include "src/error.h"
#include "src/random/counter_random.h"

#include <cmath>
#include <filesystem>

namespace diffctl {

namespace {
MujocoModel humanoid_model(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw InputError(path + ": not found (the humanoid model comes with Debian's libmujoco-samples)");
  }
  MujocoModel model = load_mujoco_model(path);
  if (model->nq != 28 || model->nv != 27 || model->nu != 21 || model->jnt_type[0] != mjJNT_FREE) {
    throw InputError(path + ": expected the Control Suite humanoid (free root, 21 hinges, 21 motors)");
  }
  return model;
}

int body(const mjModel& model, const char* name) {
  const int id = mj_name2id(&model, mjOBJ_BODY, name);
  if (id < 0) throw InputError(std::string("humanoid model: no body named ") + name);
  return id;
}
}  // namespace

ControlSuiteHumanoid::ControlSuiteHumanoid(double move_speed, const std::string& model_path)
    : MujocoEnv(humanoid_model(model_path)),
      move_speed_(move_speed),
      torso_(body(*model_, "torso")),
      head_(body(*model_, "head")),
      extremities_{body(*model_, "left_hand"), body(*model_, "left_foot"), body(*model_, "right_hand"),
                   body(*model_, "right_foot")} {}

void ControlSuiteHumanoid::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  do {  // the Control Suite's collision-free random configuration
    mj_resetData(model_.get(), data_.get());
    double quaternion[4], norm = 0.0;
    for (double& q : quaternion) {
      q = random.normal();
      norm += q * q;
    }
    for (int i = 0; i < 4; ++i) data_->qpos[3 + i] = quaternion[i] / std::sqrt(norm);
    for (int joint = 1; joint < model_->njnt; ++joint) {
      if (model_->jnt_type[joint] != mjJNT_HINGE) continue;
      const double* range = model_->jnt_range + 2 * joint;
      data_->qpos[model_->jnt_qposadr[joint]] =
          model_->jnt_limited[joint] ? random.uniform(range[0], range[1]) : random.uniform(-M_PI, M_PI);
    }
    mj_forward(model_.get(), data_.get());
  } while (data_->ncon > 0);
  mj_subtreeVel(model_.get(), data_.get());
  observe(observation);
}

StepResult ControlSuiteHumanoid::step(const double* action, double* observation) {
  for (int i = 0; i < model_->nu; ++i) data_->ctrl[i] = action[i];
  for (int k = 0; k < kFrameSkip; ++k) mj_step(model_.get(), data_.get());
  // Positions and velocities derived from the new state, as the suite observes them.
  mj_kinematics(model_.get(), data_.get());
  mj_comPos(model_.get(), data_.get());
  mj_comVel(model_.get(), data_.get());
  mj_subtreeVel(model_.get(), data_.get());
  observe(observation);
  return {reward(), false};
}

double ControlSuiteHumanoid::reward() const {
  const double head_height = data_->xpos[3 * head_ + 2];
  const double torso_upright = data_->xmat[9 * torso_ + 8];
  const double standing =
      tolerance(head_height, kStandHeight, INFINITY, kStandHeight / 4, ToleranceSigmoid::gaussian);
  const double upright = tolerance(torso_upright, 0.9, INFINITY, 1.9, ToleranceSigmoid::linear, 0.0);
  double control = 0.0;
  for (int i = 0; i < model_->nu; ++i) {
    control += tolerance(data_->ctrl[i], 0.0, 0.0, 1.0, ToleranceSigmoid::quadratic, 0.0) / model_->nu;
  }
  const double small_control = (4.0 + control) / 5.0;
  const double* com_velocity = data_->subtree_linvel + 3 * torso_;
  if (move_speed_ == 0.0) {
    const double dont_move = 0.5 * (tolerance(com_velocity[0], 0.0, 0.0, 2.0, ToleranceSigmoid::gaussian) +
                                    tolerance(com_velocity[1], 0.0, 0.0, 2.0, ToleranceSigmoid::gaussian));
    return small_control * standing * upright * dont_move;
  }
  const double speed = std::hypot(com_velocity[0], com_velocity[1]);
  const double move = (5.0 * tolerance(speed, move_speed_, INFINITY, move_speed_, ToleranceSigmoid::linear, 0.0) + 1.0) / 6.0;
  return small_control * standing * upright * move;
}

void ControlSuiteHumanoid::observe(double* observation) const {
  double* out = observation;
  for (int i = 7; i < model_->nq; ++i) *out++ = data_->qpos[i];
  *out++ = data_->xpos[3 * head_ + 2];
  const double* torso_position = data_->xpos + 3 * torso_;
  const double* R = data_->xmat + 9 * torso_;  // row-major: world = R · body
  for (int limb : extremities_) {
    double offset[3];
    for (int a = 0; a < 3; ++a) offset[a] = data_->xpos[3 * limb + a] - torso_position[a];
    for (int b = 0; b < 3; ++b) *out++ = offset[0] * R[b] + offset[1] * R[3 + b] + offset[2] * R[6 + b];  // Rᵀ·offset
  }
  for (int i = 6; i < 9; ++i) *out++ = R[i];
  for (int a = 0; a < 3; ++a) *out++ = data_->subtree_linvel[3 * torso_ + a];
  for (int i = 0; i < model_->nv; ++i) *out++ = data_->qvel[i];
}

}  // namespace diffctl
