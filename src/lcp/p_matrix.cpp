#include "src/lcp/p_matrix.h"

#include "src/error.h"

#include <torch/torch.h>

namespace diffctl::lcp {

void require_p_matrix(const torch::Tensor& F, const std::string& name) {
  if (F.dim() != 2 || F.size(0) != F.size(1)) {
    throw InputError(name + ": expected a square matrix (n, n), got " + c10::str(F.sizes()));
  }
  const torch::Tensor matrix = F.detach().to(torch::kCPU, torch::kFloat64);
  if (!torch::isfinite(matrix).all().item<bool>()) {
    throw InputError(name + ": expected finite entries, found NaN or inf");
  }
  const int64_t n = matrix.size(0);
  const torch::Tensor diagonal = matrix.diagonal();
  if (n > 0 && !(diagonal > 0).all().item<bool>()) {
    throw InputError(name + ": expected a P-matrix (all principal minors > 0), found the diagonal entry " +
                     std::to_string(diagonal.min().item<double>()));
  }
  if (n > kPrincipalMinorCheckLimit || n == 0) return;
  // The principal minor of the index set α is det(P F P + I − P), P = diag(1_α).
  const int64_t subsets = int64_t{1} << n;
  const torch::Tensor bits = torch::arange(n, torch::kLong);
  const torch::Tensor masks =
      torch::bitwise_and(torch::arange(1, subsets, torch::kLong).unsqueeze(-1), torch::pow(2, bits)).ne(0)
          .to(torch::kFloat64);
  const torch::Tensor outer = masks.unsqueeze(-1) * masks.unsqueeze(-2);
  const torch::Tensor minors =
      torch::linalg::det(outer * matrix + torch::diag_embed(1.0 - masks));
  const int64_t worst = minors.argmin().item<int64_t>();
  if (!(minors[worst].item<double>() > 0)) {
    std::string indices;
    for (int64_t i = 0; i < n; ++i) {
      if (masks[worst][i].item<double>() > 0) indices += (indices.empty() ? "" : ",") + std::to_string(i);
    }
    throw InputError(name + ": expected a P-matrix (all principal minors > 0), found the minor of rows {" +
                     indices + "} = " + std::to_string(minors[worst].item<double>()));
  }
}

}  // namespace diffctl::lcp
