#pragma once

#include "data/envs/contact_task.h"

#include <cstdint>

namespace diffctl {

class ConfigReader;

// A control task on the random-LCS generator (data/lcs/random_lcs.h): n_x = 4, n_u = 2,
// n_λ = 4 drawn from `seed`, made a regulation problem with contacts where the states go:
//   A scaled to spectral radius `spectral_radius` (< 1: a stable draw, the contact-free system
//   settles by itself and the cost measures how well the inputs hurry it); c = 0, so the origin
//   is the contact-free equilibrium; d = |d| · contact_offset, so contact i is open at the
//   origin and closes where D_i x + E_i u < −d_i — inside the initial-state box ±initial_bound
//   for most starts; C scaled by contact_gain, how hard the contacts push (with the
//   benchmark's C, gain 1, the LQR baseline diverges from some starts of seed 0's draw).
//   Cost xᵀx + input_cost · ‖u‖², episodes of episode_length steps.
struct RandomLcsControlOptions {
  uint64_t seed = 0;
  double spectral_radius = 0.95;
  double contact_offset = 0.5;
  double contact_gain = 0.25;
  double initial_bound = 2.0;
  double input_cost = 0.1;
  int64_t episode_length = 100;

  static RandomLcsControlOptions from_config(ConfigReader& reader);
};

ContactTask random_lcs_control_task(const RandomLcsControlOptions& options = {});

}  // namespace diffctl
