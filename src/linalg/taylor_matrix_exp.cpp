#include "src/linalg/taylor_matrix_exp.h"

#include "src/error.h"

#include <cmath>
#include <limits>
#include <vector>

namespace diffctl {

namespace {

constexpr int64_t kMaxDegree = 30;
// Each matrix is scaled to 1-norm ≤ θ: degree 12 (float64) or 6 (float32) then reaches
// the unit roundoff, five or three products by Paterson–Stockmeyer.
constexpr double kScaledNorm = 0.25;

// The smallest Taylor degree m with remainder bound below `tolerance` at norm x < 1.
int64_t taylor_degree(double x, double tolerance) {
  double term = x;  // x^{m+1}/(m+1)! for m = 0
  for (int64_t m = 0; m < kMaxDegree; ++m) {
    if (term / (1.0 - x / static_cast<double>(m + 2)) <= tolerance) return m;
    term *= x / static_cast<double>(m + 2);
  }
  return kMaxDegree;
}

}  // namespace

torch::Tensor taylor_matrix_exp(const torch::Tensor& A) {
  if (A.dim() < 2 || A.size(-1) != A.size(-2)) throw Error("taylor_matrix_exp: expected square matrices (…, n, n)");
  const int64_t n = A.size(-1);
  const auto identity = torch::eye(n, A.options()).expand(A.sizes());
  if (A.numel() == 0) return identity.clone();
  // Squarings per matrix, from its own 1-norm (max column sum): a matrix's exponential does
  // not depend on the batch around it (ES's batched copies, MPI's shares of them).
  torch::Tensor squarings;
  int64_t most_squarings = 0;
  {
    torch::NoGradGuard no_grad;
    const auto norms = A.abs().sum(-2).amax(-1);
    // NaN in, NaN out, as torch::linalg::matrix_exp: the caller reports the divergence.
    if (!torch::isfinite(norms).all().item<bool>()) return A * std::numeric_limits<double>::quiet_NaN();
    squarings = torch::ceil(torch::log2(norms / kScaledNorm)).clamp_min(0.0);
    most_squarings = static_cast<int64_t>(squarings.max().item<double>());
  }
  const auto matrix_shape = [](torch::Tensor per_matrix) { return per_matrix.unsqueeze(-1).unsqueeze(-1); };
  const torch::Tensor X = most_squarings > 0 ? A * matrix_shape(torch::exp2(-squarings)) : A;
  const double tolerance = A.scalar_type() == torch::kFloat64 ? std::numeric_limits<double>::epsilon() / 2
                                                              : std::numeric_limits<float>::epsilon() / 2;
  const int64_t degree = taylor_degree(kScaledNorm, tolerance);
  // Paterson–Stockmeyer: p(X) = Σⱼ (X^q)^j Cⱼ with Cⱼ = Σ_{i<q} c_{jq+i} X^i, by Horner in X^q.
  const int64_t q = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(degree)))));
  std::vector<torch::Tensor> powers{identity, X};
  for (int64_t k = 2; k <= q; ++k) powers.push_back(powers.back().matmul(X));
  std::vector<double> coefficients{1.0};
  for (int64_t k = 1; k <= degree; ++k) coefficients.push_back(coefficients.back() / static_cast<double>(k));
  auto block = [&](int64_t j) {
    torch::Tensor sum = coefficients[j * q] * powers[0];
    for (int64_t i = 1; i < q && j * q + i <= degree; ++i) sum = sum + coefficients[j * q + i] * powers[i];
    return sum;
  };
  torch::Tensor result = block(degree / q);
  for (int64_t j = degree / q - 1; j >= 0; --j) result = result.matmul(powers[q]) + block(j);
  for (int64_t s = 0; s < most_squarings; ++s) {
    result = torch::where(matrix_shape(squarings > static_cast<double>(s)), result.matmul(result), result);
  }
  return result;
}

}  // namespace diffctl
