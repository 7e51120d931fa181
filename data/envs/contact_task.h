#pragma once

#include "data/envs/env.h"
#include "modules/linear_policy.h"
#include "src/lcp/lcs_dynamics.h"

#include <ATen/core/Generator.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// An environment that is an exact LCS observed through its whole state: it also reports the
// contact impulses λ of its last step (the data a learned LCS model fits).
class LcsEnv : public Env {
 public:
  virtual int64_t contact_size() const = 0;
  virtual void last_impulse(double* lambda) const = 0;
};

// The quadratic stage cost xᵀQx + uᵀRu with diagonal weights.
struct QuadraticCost {
  torch::Tensor state_weights;  // (n): the diagonal of Q
  double input_weight = 1.0;    // R = input_weight · I
};

// A control task whose real system is an exact LCS: what model-based first-order policy
// gradient (fopg), system identification (lcs_fit) and the smoothing diagnostics need.
// Its Env rewards −(xᵀQx + uᵀRu) at the state each step starts from, so a return is minus
// the task's cost.
struct ContactTask {
  std::string name;
  LCSMatrices matrices;                 // float64, unbatched
  QuadraticCost cost;
  torch::Tensor initial_state_bounds;   // x₀ uniform in ±bounds (n_x)
  // Where system identification samples: x uniform in ±bounds, u in ±input_range.
  torch::Tensor exploration_state_bounds;
  double exploration_input_range = 1.0;
  std::function<std::unique_ptr<LcsEnv>()> make_env;  // the real system

  int64_t state_size() const { return matrices.A.size(0); }
  int64_t input_size() const { return matrices.B.size(1); }
  int64_t contact_size() const { return matrices.C.size(1); }
  // (count, n_x) uniform in the initial-state box.
  torch::Tensor initial_states(int64_t count, at::Generator& generator) const;
  // The baseline u = −Kx: K from the Riccati equation of the contact-free part (A, B) with the
  // task's Q and R — blind to the contacts.
  LinearPolicy lqr_policy() const;
  // A box to sample states in, from the config's `key` (n_x numbers > 0), by default the
  // task's exploration box.
  std::vector<double> read_state_bounds(ConfigReader& reader, const std::string& key) const;
};

// Tasks by name ("cartpole_soft_walls", "random_lcs_control", and any registered), each
// reading its own options (InputError for an unknown name or key).
using ContactTaskFactory = std::function<ContactTask(const nlohmann::json& options, const std::string& options_path)>;
ContactTask make_contact_task(const std::string& name, const nlohmann::json& options = nlohmann::json::object(),
                              const std::string& options_path = "contact_task_options");
void register_contact_task(const std::string& name, ContactTaskFactory factory);
std::vector<std::string> contact_task_names();

}  // namespace diffctl
