#include "data/envs/swimmer.h"

#include "data/data_path.h"
#include "src/error.h"
#include "src/random/counter_random.h"

namespace diffctl {

namespace {
MujocoModel swimmer_model() {
  const std::string path = find_data_file("mujoco/swimmer.xml");
  if (path.empty()) throw InputError("mujoco/swimmer.xml: not found under ./data, $DIFFCTL_DATA_DIR or the checkout");
  return load_mujoco_model(path);
}
}  // namespace

Swimmer::Swimmer() : model_(swimmer_model()), data_(make_mujoco_data(model_)) {
  if (model_->nq != 5 || model_->nv != 5 || model_->nu != 2) {
    throw InputError("mujoco/swimmer.xml: expected 5 joint coordinates and 2 motors");
  }
}

void Swimmer::reset(uint64_t seed, double* observation) {
  mj_resetData(model_.get(), data_.get());
  CounterRandom random(seed);
  for (int i = 0; i < model_->nq; ++i) data_->qpos[i] = model_->qpos0[i] + random.uniform(-kResetNoise, kResetNoise);
  for (int i = 0; i < model_->nv; ++i) data_->qvel[i] = random.uniform(-kResetNoise, kResetNoise);
  mj_forward(model_.get(), data_.get());
  observe(observation);
}

StepResult Swimmer::step(const double* action, double* observation) {
  const double x_before = data_->qpos[0];
  double control_cost = 0.0;
  for (int i = 0; i < 2; ++i) {
    data_->ctrl[i] = action[i];
    control_cost += action[i] * action[i];
  }
  for (int k = 0; k < kFrameSkip; ++k) mj_step(model_.get(), data_.get());
  observe(observation);
  const double dt = kFrameSkip * model_->opt.timestep;
  return {(data_->qpos[0] - x_before) / dt - kControlCost * control_cost, false};
}

void Swimmer::observe(double* observation) const {
  for (int i = 2; i < 5; ++i) observation[i - 2] = data_->qpos[i];
  for (int i = 0; i < 5; ++i) observation[3 + i] = data_->qvel[i];
}

}  // namespace diffctl
