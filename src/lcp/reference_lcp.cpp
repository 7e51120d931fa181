#include "src/lcp/reference_lcp.h"

#include "src/error.h"

#include <limits>
#include <string>
#include <vector>

namespace diffctl::lcp {

namespace {

// λ_α = −F_αα⁻¹ q_α, λ elsewhere 0, for the index set α given as a mask.
ReferenceSolution solve_basis(const Eigen::MatrixXd& F, const Eigen::VectorXd& q,
                              const std::vector<bool>& active) {
  const int64_t n = q.size();
  std::vector<int64_t> indices;
  for (int64_t i = 0; i < n; ++i) {
    if (active[i]) indices.push_back(i);
  }
  const int64_t k = static_cast<int64_t>(indices.size());
  Eigen::MatrixXd block(k, k);
  Eigen::VectorXd rhs(k);
  for (int64_t a = 0; a < k; ++a) {
    rhs(a) = -q(indices[a]);
    for (int64_t b = 0; b < k; ++b) block(a, b) = F(indices[a], indices[b]);
  }
  ReferenceSolution solution;
  solution.lambda = Eigen::VectorXd::Zero(n);
  if (k > 0) {
    const Eigen::VectorXd values = block.partialPivLu().solve(rhs);
    for (int64_t a = 0; a < k; ++a) solution.lambda(indices[a]) = values(a);
  }
  solution.w = F * solution.lambda + q;
  for (int64_t i : indices) solution.w(i) = 0.0;
  solution.solved = solution.lambda.allFinite();
  return solution;
}

double violation(const ReferenceSolution& solution) {
  return std::max({0.0, -solution.lambda.minCoeff(), -solution.w.minCoeff()});
}

}  // namespace

ReferenceSolution solve_lemke(const Eigen::MatrixXd& F, const Eigen::VectorXd& q, int64_t max_pivots) {
  const int64_t n = q.size();
  if (F.rows() != n || F.cols() != n) {
    throw InputError("solve_lemke: expected F of shape (" + std::to_string(n) + ", " + std::to_string(n) +
                     "), got (" + std::to_string(F.rows()) + ", " + std::to_string(F.cols()) + ")");
  }
  if (n == 0 || q.minCoeff() >= 0.0) return solve_basis(F, q, std::vector<bool>(n, false));

  // Tableau columns: w (0..n−1), λ (n..2n−1), the artificial z₀ (2n), right-hand side (2n+1),
  // for w − Fλ − z₀·1 = q. Columns 0..n−1 hold B⁻¹, used by the lexicographic ratio test.
  const int64_t artificial = 2 * n;
  const int64_t rhs = 2 * n + 1;
  Eigen::MatrixXd tableau = Eigen::MatrixXd::Zero(n, 2 * n + 2);
  tableau.leftCols(n).setIdentity();
  tableau.middleCols(n, n) = -F;
  tableau.col(artificial).setConstant(-1.0);
  tableau.col(rhs) = q;
  std::vector<int64_t> basis(n);
  for (int64_t i = 0; i < n; ++i) basis[i] = i;

  auto pivot = [&](int64_t row, int64_t column) {
    tableau.row(row) /= tableau(row, column);
    for (int64_t i = 0; i < n; ++i) {
      if (i != row && tableau(i, column) != 0.0) tableau.row(i) -= tableau(i, column) * tableau.row(row);
    }
    const int64_t leaving = basis[row];
    basis[row] = column;
    return leaving;
  };

  Eigen::Index first_row;
  q.minCoeff(&first_row);
  int64_t leaving = pivot(first_row, artificial);
  ReferenceSolution failed;
  for (int64_t pivots = 1; pivots <= max_pivots; ++pivots) {
    const int64_t entering = leaving < n ? leaving + n : leaving - n;  // the complement
    // Lexicographic minimum ratio over rows with a positive entry: compare
    // (rhs, B⁻¹ row) / entry, which is unique because B⁻¹ is nonsingular.
    int64_t row = -1;
    for (int64_t i = 0; i < n; ++i) {
      const double entry = tableau(i, entering);
      if (entry <= 1e-12) continue;
      if (row < 0) {
        row = i;
        continue;
      }
      const double best_entry = tableau(row, entering);
      int compare = 0;
      const double difference = tableau(i, rhs) / entry - tableau(row, rhs) / best_entry;
      if (difference < -1e-12) compare = -1;
      else if (difference > 1e-12) compare = 1;
      for (int64_t column = 0; compare == 0 && column < n; ++column) {
        const double lexical = tableau(i, column) / entry - tableau(row, column) / best_entry;
        if (lexical < -1e-12) compare = -1;
        else if (lexical > 1e-12) compare = 1;
      }
      if (compare < 0 || (compare == 0 && basis[i] == artificial)) row = i;
    }
    if (row < 0) return failed;  // ray termination: impossible for a P-matrix
    leaving = pivot(row, entering);
    if (leaving == artificial) {
      std::vector<bool> active(n, false);
      for (int64_t i = 0; i < n; ++i) {
        if (basis[i] >= n && basis[i] < 2 * n) active[basis[i] - n] = true;
      }
      ReferenceSolution solution = solve_basis(F, q, active);
      solution.pivots = pivots;
      return solution;
    }
  }
  return failed;
}

ReferenceSolution solve_by_enumeration(const Eigen::MatrixXd& F, const Eigen::VectorXd& q) {
  const int64_t n = q.size();
  if (n > 16) throw InputError("solve_by_enumeration: expected n <= 16, got " + std::to_string(n));
  ReferenceSolution best;
  double best_violation = std::numeric_limits<double>::infinity();
  for (int64_t mask = 0; mask < (int64_t{1} << n); ++mask) {
    std::vector<bool> active(n);
    for (int64_t i = 0; i < n; ++i) active[i] = (mask >> i) & 1;
    ReferenceSolution candidate = solve_basis(F, q, active);
    if (!candidate.solved) continue;
    const double candidate_violation = violation(candidate);
    if (candidate_violation < best_violation) {
      best_violation = candidate_violation;
      best = candidate;
    }
  }
  const double scale = 1.0 + q.cwiseAbs().maxCoeff();
  best.solved = best_violation <= 1e-9 * scale;
  return best;
}

}  // namespace diffctl::lcp
