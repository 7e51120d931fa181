#include "src/lcp/lcs_dynamics.h"

#include "src/error.h"

#include <torch/torch.h>

#include <string>

namespace diffctl {

namespace {

torch::Tensor matvec(const torch::Tensor& matrix, const torch::Tensor& vector) {
  return torch::matmul(matrix, vector.unsqueeze(-1)).squeeze(-1);
}

void require_shape(const std::string& name, const torch::Tensor& tensor, int64_t rows, int64_t columns) {
  const bool fits = tensor.defined() && tensor.dim() >= 2 && tensor.size(-2) == rows && tensor.size(-1) == columns;
  if (!fits) {
    throw InputError("LCS matrix " + name + ": expected shape (" + std::to_string(rows) + ", " +
                     std::to_string(columns) + "), got " +
                     (tensor.defined() ? c10::str(tensor.sizes()) : std::string("none")));
  }
}

void require_length(const std::string& name, const torch::Tensor& tensor, int64_t length) {
  if (!tensor.defined() || tensor.dim() < 1 || tensor.size(-1) != length) {
    throw InputError("LCS vector " + name + ": expected length " + std::to_string(length) + ", got " +
                     (tensor.defined() ? c10::str(tensor.sizes()) : std::string("none")));
  }
}

}  // namespace

void LCSMatrices::validate() const {
  if (!A.defined() || A.dim() < 2) throw InputError("LCS matrix A: expected shape (dx, dx)");
  const int64_t state_dim = A.size(-1);
  if (!B.defined() || B.dim() < 2 || !C.defined() || C.dim() < 2) {
    throw InputError("LCS matrices B and C: expected shapes (dx, du) and (dx, dλ)");
  }
  const int64_t input_dim = B.size(-1);
  const int64_t contact_dim = C.size(-1);
  require_shape("A", A, state_dim, state_dim);
  require_shape("B", B, state_dim, input_dim);
  require_shape("C", C, state_dim, contact_dim);
  require_shape("D", D, contact_dim, state_dim);
  require_shape("E", E, contact_dim, input_dim);
  require_shape("F", F, contact_dim, contact_dim);
  require_length("c", c, state_dim);
  require_length("d", d, contact_dim);
}

LCSStep lcs_step(const LCSMatrices& m, const torch::Tensor& x, const torch::Tensor& u,
                 const torch::Tensor& mu, const lcp::SmoothingOptions& smoothing,
                 std::optional<at::Generator> noise) {
  m.validate();
  if (x.dim() != 2 || x.size(1) != m.A.size(-1)) {
    throw InputError("lcs_step: x: expected shape (B, " + std::to_string(m.A.size(-1)) + "), got " +
                     c10::str(x.sizes()));
  }
  if (u.dim() != 2 || u.size(0) != x.size(0) || u.size(1) != m.B.size(-1)) {
    throw InputError("lcs_step: u: expected shape (" + std::to_string(x.size(0)) + ", " +
                     std::to_string(m.B.size(-1)) + "), got " + c10::str(u.sizes()));
  }
  const int64_t batch = x.size(0);
  const int64_t contact_dim = m.F.size(-1);
  const torch::Tensor z = matvec(m.D, x) + matvec(m.E, u) + m.d;
  const lcp::Solution impulse =
      lcp::solve_smoothed(m.F.expand({batch, contact_dim, contact_dim}), z, mu, smoothing, std::move(noise));
  const torch::Tensor next_state = matvec(m.A, x) + matvec(m.B, u) + matvec(m.C, impulse.lambda) + m.c;
  return {next_state, impulse.lambda, z, impulse.summary};
}

}  // namespace diffctl
