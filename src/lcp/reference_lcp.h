#pragma once

#include <Eigen/Dense>

#include <cstdint>

namespace diffctl::lcp {

// Eigen reference solvers for LCP(F, q): λ ≥ 0, w = Fλ + q ≥ 0, λᵀw = 0. They are the
// oracles of the interior-point solver's tests and benchmark: exact pivoting methods,
// independent of it, one problem at a time.
struct ReferenceSolution {
  Eigen::VectorXd lambda;
  Eigen::VectorXd w;
  bool solved = false;  // false: ray termination / pivot limit (Lemke) or no basis (enumeration)
  int64_t pivots = 0;   // Lemke's complementary pivots
};

// Lemke's complementary pivoting with covering vector 1 and lexicographic ratio tests
// (which rule out cycling on degenerate problems). Solves every LCP with a P-matrix F. The
// final basis is re-solved directly (F_αα λ_α = −q_α) for full float64 accuracy.
ReferenceSolution solve_lemke(const Eigen::MatrixXd& F, const Eigen::VectorXd& q, int64_t max_pivots = 1000);

// Tries all 2ⁿ complementary bases and returns the one whose λ and w are least negative
// (for a P-matrix exactly one is feasible). For n ≤ 16.
ReferenceSolution solve_by_enumeration(const Eigen::MatrixXd& F, const Eigen::VectorXd& q);

}  // namespace diffctl::lcp
