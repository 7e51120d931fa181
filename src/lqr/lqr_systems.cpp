#include "src/lqr/lqr_systems.h"

#include "src/error.h"

namespace diffctl {

LqrSystems LqrSystems::to(const torch::TensorOptions& options) const {
  return {A.to(options), B.to(options), Q.to(options), R.to(options), Sigma.to(options)};
}

LqrSystems LqrSystems::select(const torch::Tensor& index) const {
  return {A.index_select(0, index), B.index_select(0, index), Q.index_select(0, index),
          R.index_select(0, index), Sigma.index_select(0, index)};
}

LqrSystems LqrSystems::repeat_each(int64_t times) const {
  return {A.repeat_interleave(times, 0), B.repeat_interleave(times, 0),
          Q.repeat_interleave(times, 0), R.repeat_interleave(times, 0),
          Sigma.repeat_interleave(times, 0)};
}

LqrSystems LqrSystems::damped(const torch::Tensor& gamma) const {
  const auto scale = gamma.sqrt().to(A.options()).view({-1, 1, 1});
  return {A * scale, B * scale, Q, R, Sigma};
}

void LqrSystems::check(const std::string& what) const {
  const int64_t N = A.size(0), n = A.size(-1), m = B.size(-1);
  const bool ok = A.dim() == 3 && A.size(1) == n && B.dim() == 3 && B.size(0) == N &&
                  B.size(1) == n && Q.sizes() == A.sizes() && Sigma.sizes() == A.sizes() &&
                  R.dim() == 3 && R.size(0) == N && R.size(1) == m && R.size(2) == m;
  if (!ok) {
    throw InputError(what + ": expected A (N,n,n), B (N,n,m), Q (N,n,n), R (N,m,m), Sigma (N,n,n); got A " +
                     c10::str(A.sizes()) + ", B " + c10::str(B.sizes()) + ", Q " +
                     c10::str(Q.sizes()) + ", R " + c10::str(R.sizes()) + ", Sigma " +
                     c10::str(Sigma.sizes()));
  }
}

}  // namespace diffctl
