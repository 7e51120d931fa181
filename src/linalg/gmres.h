#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>

namespace diffctl {

struct GmresOptions {
  double tolerance = 1e-10;   // on ‖b − A x‖ / ‖b‖, per problem
  int64_t restart = 30;       // Krylov dimension per cycle
  int64_t max_restarts = 100;

  void validate() const;  // InputError naming the field
};

struct GmresResult {
  torch::Tensor x;                  // (B, n)
  torch::Tensor converged;          // bool (B)
  torch::Tensor iterations;         // int64 (B): matrix-vector products until converged
  torch::Tensor relative_residual;  // (B): ‖b − A x‖ / ‖b‖ of the returned x
};

// Restarted GMRES (Saad & Schultz) for a batch of systems A x = b given only the map
// x ↦ A x on (B, n) tensors: Arnoldi with modified Gram–Schmidt, Givens rotations for the
// small least-squares problem, restarts from the current iterate. Every problem runs the
// same iterations; converged ones stop changing. The true residual is checked at the end
// of each cycle; a problem that misses the tolerance is reported, not hidden.
GmresResult solve_gmres(const std::function<torch::Tensor(const torch::Tensor&)>& apply,
                        const torch::Tensor& b, const GmresOptions& options = {});

}  // namespace diffctl
