#include "src/linalg/taylor_matrix_exp.h"

#include "src/error.h"

#include <cmath>
#include <limits>
#include <vector>

namespace diffctl {

namespace {

constexpr int64_t kMaxDegree = 30;

// The smallest Taylor degree m with remainder bound below `tolerance` at norm x ≤ 1.
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
  double norm = 0.0;
  {
    torch::NoGradGuard no_grad;
    norm = A.abs().sum(-2).max().item<double>();  // the largest 1-norm (max column sum) in the batch
  }
  // NaN in, NaN out, as torch::linalg::matrix_exp: the caller reports the divergence.
  if (!std::isfinite(norm)) return A * std::numeric_limits<double>::quiet_NaN();
  const int64_t squarings = norm > 1.0 ? static_cast<int64_t>(std::ceil(std::log2(norm))) : 0;
  const torch::Tensor X = squarings > 0 ? A / std::ldexp(1.0, static_cast<int>(squarings)) : A;
  const double tolerance = A.scalar_type() == torch::kFloat64 ? std::numeric_limits<double>::epsilon() / 2
                                                              : std::numeric_limits<float>::epsilon() / 2;
  const int64_t degree = taylor_degree(std::ldexp(norm, -static_cast<int>(squarings)), tolerance);
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
  for (int64_t s = 0; s < squarings; ++s) result = result.matmul(result);
  return result;
}

}  // namespace diffctl
