#pragma once

#include <Eigen/Dense>

namespace diffctl::reference {

// Small exact LQR computations in Eigen, independent of the tensor code paths: oracles for
// tests and the baseline of benchmarks. They throw diffctl::Error when they do not converge.

// P = Q + AᵀPA by Smith's doubling (P ← P + AₖᵀPAₖ, Aₖ₊₁ = Aₖ²); A must be stable.
Eigen::MatrixXd solve_discrete_lyapunov(const Eigen::MatrixXd& A, const Eigen::MatrixXd& Q);

// Stabilising solution of the discrete algebraic Riccati equation
// P = Q + AᵀPA − AᵀPB(R + BᵀPB)⁻¹BᵀPA by the structure-preserving doubling algorithm.
Eigen::MatrixXd solve_dare(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                           const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R);

// K* = (R + BᵀPB)⁻¹BᵀPA for the Riccati solution P.
Eigen::MatrixXd riccati_gain(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                             const Eigen::MatrixXd& R, const Eigen::MatrixXd& P);

struct CostAndGradient {
  double cost;               // tr(P_K Σ)
  Eigen::MatrixXd gradient;  // 2[(R + BᵀPB)K − BᵀPA] Σ_K (Fazel et al.)
};

// Cost and closed-form policy gradient of u = −Kx; K must stabilise (A, B).
CostAndGradient lqr_cost_and_gradient(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                                      const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R,
                                      const Eigen::MatrixXd& Sigma, const Eigen::MatrixXd& K);

}  // namespace diffctl::reference
