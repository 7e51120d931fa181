#include "data/envs/random_lcs_control.h"

#include "data/envs/exact_lcs_env.h"
#include "data/lcs/random_lcs.h"
#include "src/config/config_reader.h"
#include "src/seeding.h"

#include <torch/linalg.h>
#include <torch/torch.h>

namespace diffctl {

RandomLcsControlOptions RandomLcsControlOptions::from_config(ConfigReader& reader) {
  RandomLcsControlOptions o;
  o.seed = static_cast<uint64_t>(reader.integer("seed", static_cast<int64_t>(o.seed), 0));
  o.spectral_radius = reader.number("spectral_radius", o.spectral_radius, 0.0, true);
  o.contact_offset = reader.number("contact_offset", o.contact_offset, 0.0);
  o.contact_gain = reader.number("contact_gain", o.contact_gain, 0.0);
  o.initial_bound = reader.number("initial_bound", o.initial_bound, 0.0, true);
  o.input_cost = reader.number("input_cost", o.input_cost, 0.0, true);
  o.episode_length = reader.integer("episode_length", o.episode_length, 1);
  return o;
}

ContactTask random_lcs_control_task(const RandomLcsControlOptions& o) {
  RandomLcsOptions sizes;  // n_x = 4, n_u = 2, n_λ = 4
  LCSMatrices m = random_lcs(sizes, make_generator(o.seed));
  const double radius = torch::linalg::eigvals(m.A).abs().max().item<double>();
  m.A = m.A * (o.spectral_radius / radius);
  m.C = m.C * o.contact_gain;
  m.c = torch::zeros_like(m.c);
  m.d = m.d.abs() * o.contact_offset;
  ContactTask task;
  task.name = "random_lcs_control";
  task.matrices = m;
  task.cost = {torch::ones({sizes.state_dim}, torch::kFloat64), o.input_cost};
  task.initial_state_bounds = torch::full({sizes.state_dim}, o.initial_bound, torch::kFloat64);
  task.exploration_state_bounds = 2.0 * task.initial_state_bounds;
  task.exploration_input_range = 2.0 * o.initial_bound;
  const int64_t length = o.episode_length;
  task.make_env = [m, cost = task.cost, bounds = task.initial_state_bounds, length] {
    return std::make_unique<ExactLcsEnv>(m, cost, bounds, length);
  };
  return task;
}

}  // namespace diffctl
