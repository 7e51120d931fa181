#pragma once

#include "data/envs/env.h"
#include "data/envs/mujoco_model.h"

#include <utility>

namespace diffctl {

// An Env simulated by MuJoCo: the model shared by every instance, this instance's state, and
// the motors' controls as the action.
class MujocoEnv : public Env {
 public:
  int64_t action_size() const override { return model_->nu; }
  const mjModel& model() const { return *model_; }
  const mjData& data() const { return *data_; }

 protected:
  explicit MujocoEnv(MujocoModel model) : model_(std::move(model)), data_(make_mujoco_data(model_)) {}

  MujocoModel model_;
  MujocoData data_;
};

}  // namespace diffctl
