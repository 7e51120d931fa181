#include "data/envs/gym_humanoid.h"

#include "data/data_path.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <algorithm>
#include <cmath>

namespace diffctl {

namespace {
MujocoModel gym_humanoid_model() {
  const std::string file = "mujoco/gym_humanoid.xml";
  const std::string path = find_data_file(file);
  if (path.empty()) throw InputError(file + ": not found under ./data, $DIFFCTL_DATA_DIR or the checkout");
  MujocoModel model = load_mujoco_model(path);
  if (model->nq != 24 || model->nv != 23 || model->nu != 17 || model->nbody != 14) {
    throw InputError(path + ": expected Gym's humanoid (free root, 17 hinges, 17 motors, 13 bodies)");
  }
  return model;
}
}  // namespace

GymHumanoid::GymHumanoid() : MujocoEnv(gym_humanoid_model()) {}

void GymHumanoid::reset(uint64_t seed, double* observation) {
  mj_resetData(model_.get(), data_.get());
  CounterRandom random(seed);
  constexpr double kNoise = 0.01;
  for (int i = 0; i < model_->nq; ++i) data_->qpos[i] = model_->qpos0[i] + random.uniform(-kNoise, kNoise);
  for (int i = 0; i < model_->nv; ++i) data_->qvel[i] = random.uniform(-kNoise, kNoise);
  mj_forward(model_.get(), data_.get());
  mj_rnePostConstraint(model_.get(), data_.get());
  observe(observation);
}

double GymHumanoid::mass_centre_x() const {
  double mass = 0.0, moment = 0.0;
  for (int body = 0; body < model_->nbody; ++body) {
    mass += model_->body_mass[body];
    moment += model_->body_mass[body] * data_->xipos[3 * body];
  }
  return moment / mass;
}

StepResult GymHumanoid::step(const double* action, double* observation) {
  const double before = mass_centre_x();
  double control_cost = 0.0;
  for (int i = 0; i < model_->nu; ++i) {
    data_->ctrl[i] = action[i];
    control_cost += 0.1 * action[i] * action[i];
  }
  for (int k = 0; k < kFrameSkip; ++k) mj_step(model_.get(), data_.get());
  mj_rnePostConstraint(model_.get(), data_.get());
  observe(observation);
  double impact = 0.0;
  for (int i = 0; i < 6 * model_->nbody; ++i) impact += data_->cfrc_ext[i] * data_->cfrc_ext[i];
  const double dt = kFrameSkip * model_->opt.timestep;
  const double reward = 1.25 * (mass_centre_x() - before) / dt - control_cost - std::min(0.5e-6 * impact, 10.0) + 5.0;
  const double height = data_->qpos[2];
  bool finite = true;
  for (int i = 0; i < model_->nq; ++i) finite = finite && std::isfinite(data_->qpos[i]);
  for (int i = 0; i < model_->nv; ++i) finite = finite && std::isfinite(data_->qvel[i]);
  return {reward, !(finite && height > 1.0 && height < 2.0)};
}

void GymHumanoid::observe(double* observation) const {
  double* out = std::copy(data_->qpos + 2, data_->qpos + model_->nq, observation);
  out = std::copy(data_->qvel, data_->qvel + model_->nv, out);
  out = std::copy(data_->cinert, data_->cinert + 10 * model_->nbody, out);
  out = std::copy(data_->cvel, data_->cvel + 6 * model_->nbody, out);
  out = std::copy(data_->qfrc_actuator, data_->qfrc_actuator + model_->nv, out);
  std::copy(data_->cfrc_ext, data_->cfrc_ext + 6 * model_->nbody, out);
}

}  // namespace diffctl
