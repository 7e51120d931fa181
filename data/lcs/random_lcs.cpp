#include "data/lcs/random_lcs.h"

#include "data/lcs/random_lcp.h"

#include "src/error.h"
#include "src/lcp/reference_lcp.h"
#include "src/linalg/eigen_conversion.h"

#include <torch/torch.h>

namespace diffctl {

namespace {

torch::Tensor uniform(std::vector<int64_t> shape, double range, at::Generator& generator) {
  return range * (2.0 * torch::rand(shape, generator, torch::kFloat64) - 1.0);
}

}  // namespace

LCSMatrices random_lcs(const RandomLcsOptions& o, at::Generator generator) {
  if (o.state_dim < 1 || o.input_dim < 1 || o.contact_dim < 1) {
    throw InputError("random LCS: state_dim, input_dim and contact_dim must be >= 1");
  }
  const int64_t nx = o.state_dim, nu = o.input_dim, nl = o.contact_dim;
  LCSMatrices m;
  m.A = uniform({nx, nx}, 1.0, generator);
  m.B = uniform({nx, nu}, 1.0, generator);
  m.C = uniform({nx, nl}, 1.0, generator);
  m.c = uniform({nx}, 1.0, generator);
  m.D = uniform({nl, nx}, 1.0, generator);
  m.E = uniform({nl, nu}, 1.0, generator);
  m.d = uniform({nl}, 1.0, generator);
  m.F = random_p_matrices(1, nl, generator)[0];
  return m;
}

TransitionSampling benchmark_sampling(const RandomLcsOptions& o) {
  return {torch::full({o.state_dim}, o.state_range, torch::kFloat64), o.input_range, o.observation_noise};
}

Transitions sample_transitions(const LCSMatrices& m, const TransitionSampling& o, int64_t count,
                               at::Generator generator) {
  m.validate();
  if (count < 1) throw InputError("transitions: expected a count >= 1, got " + std::to_string(count));
  const int64_t nx = m.A.size(-1), nu = m.B.size(-1), nl = m.C.size(-1);
  if (!o.state_bounds.defined() || o.state_bounds.numel() != nx) {
    throw InputError("transitions: state_bounds: expected " + std::to_string(nx) + " values");
  }
  Transitions data;
  data.state = uniform({count, nx}, 1.0, generator) * o.state_bounds.to(torch::kFloat64);
  data.input = uniform({count, nu}, o.input_range, generator);
  const auto q = data.state.matmul(m.D.t()) + data.input.matmul(m.E.t()) + m.d;
  const Eigen::MatrixXd F = to_eigen(m.F);
  data.lambda = torch::empty({count, nl}, torch::kFloat64);
  for (int64_t i = 0; i < count; ++i) {
    const auto solution = lcp::solve_lemke(F, to_eigen(q[i].unsqueeze(1)));
    if (!solution.solved) throw Error("transitions: Lemke's method failed on a P-matrix LCP");
    data.lambda[i] = to_tensor(solution.lambda).squeeze(1);
  }
  data.next_state = data.state.matmul(m.A.t()) + data.input.matmul(m.B.t()) + data.lambda.matmul(m.C.t()) + m.c +
                    o.observation_noise * torch::randn({count, nx}, generator, torch::kFloat64);
  return data;
}

}  // namespace diffctl
