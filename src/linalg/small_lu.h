#pragma once

#include <cmath>
#include <cstdint>
#include <utility>

namespace diffctl {

// LU factorisation with partial pivoting of one small dense row-major n×n matrix, in
// place: afterwards `lu` holds L (unit lower, implicit diagonal) and U, and row r of L·U
// is row permutation[r] of the original. Written for the thousands of tiny systems a
// batched control problem solves per step, where a LAPACK call per matrix costs more in
// overhead than the arithmetic; a caller that knows n at compile time passes it as
// kStaticSize (0: use n) so the loops unroll. Also records, where `interchanges` is given,
// the rows swapped at each step as LAPACK's getrf does (1-based). Returns false on an
// exactly zero pivot.
template <class Scalar, int64_t kStaticSize = 0>
bool small_lu_factor(Scalar* __restrict lu, int64_t* __restrict permutation, int64_t runtime_size,
                     int32_t* __restrict interchanges = nullptr) {
  const int64_t n = kStaticSize > 0 ? kStaticSize : runtime_size;
  for (int64_t r = 0; r < n; ++r) permutation[r] = r;
  for (int64_t k = 0; k < n; ++k) {
    int64_t pivot = k;
    Scalar largest = std::abs(lu[k * n + k]);
    for (int64_t r = k + 1; r < n; ++r) {
      const Scalar candidate = std::abs(lu[r * n + k]);
      if (candidate > largest) {
        largest = candidate;
        pivot = r;
      }
    }
    if (largest == Scalar(0)) return false;
    if (interchanges) interchanges[k] = static_cast<int32_t>(pivot + 1);
    if (pivot != k) {
      for (int64_t c = 0; c < n; ++c) std::swap(lu[k * n + c], lu[pivot * n + c]);
      std::swap(permutation[k], permutation[pivot]);
    }
    const Scalar inverse_pivot = Scalar(1) / lu[k * n + k];
    const Scalar* __restrict pivot_row = lu + k * n;
    for (int64_t r = k + 1; r < n; ++r) {
      Scalar* __restrict row = lu + r * n;
      const Scalar factor = row[k] * inverse_pivot;
      row[k] = factor;
      for (int64_t c = k + 1; c < n; ++c) row[c] -= factor * pivot_row[c];
    }
  }
  return true;
}

// Solves M x = b for the factorised M; b is overwritten by x (`work` holds n scalars).
template <class Scalar, int64_t kStaticSize = 0>
void small_lu_solve(const Scalar* __restrict lu, const int64_t* __restrict permutation, int64_t runtime_size,
                    Scalar* __restrict b, Scalar* __restrict work) {
  const int64_t n = kStaticSize > 0 ? kStaticSize : runtime_size;
  for (int64_t r = 0; r < n; ++r) {  // L y = Π b
    Scalar value = b[permutation[r]];
    for (int64_t c = 0; c < r; ++c) value -= lu[r * n + c] * work[c];
    work[r] = value;
  }
  for (int64_t r = n - 1; r >= 0; --r) {  // U x = y
    Scalar value = work[r];
    for (int64_t c = r + 1; c < n; ++c) value -= lu[r * n + c] * b[c];
    b[r] = value / lu[r * n + r];
  }
}

// Solves Mᵀ x = b for the factorised M (Mᵀ = Uᵀ Lᵀ Π); b is overwritten by x.
template <class Scalar, int64_t kStaticSize = 0>
void small_lu_solve_transposed(const Scalar* __restrict lu, const int64_t* __restrict permutation,
                               int64_t runtime_size, Scalar* __restrict b, Scalar* __restrict work) {
  const int64_t n = kStaticSize > 0 ? kStaticSize : runtime_size;
  for (int64_t r = 0; r < n; ++r) {  // Uᵀ y = b
    Scalar value = b[r];
    for (int64_t c = 0; c < r; ++c) value -= lu[c * n + r] * work[c];
    work[r] = value / lu[r * n + r];
  }
  for (int64_t r = n - 1; r >= 0; --r) {  // Lᵀ z = y
    Scalar value = work[r];
    for (int64_t c = r + 1; c < n; ++c) value -= lu[c * n + r] * work[c];
    work[r] = value;
  }
  for (int64_t r = 0; r < n; ++r) b[permutation[r]] = work[r];  // Π x = z
}

}  // namespace diffctl
