#pragma once

#include "src/lqr/lqr_systems.h"

#include <nlohmann/json.hpp>

#include <string>

namespace diffctl {

// One LQR problem (float64, CPU) as shipped in data/lqr_instances/<name>.json:
//   {"A": [[..]], "B": [[..]], "Q": [[..]], "R": [[..]],
//    "initial_states": [[..], ..]   (Σ₀ = mean of x xᵀ, states drawn uniformly)
//    or "Sigma": [[..]]}
// or a recipe {"random": {"n": 8, "m": 8, "seed": 1}} for the random instances of
// zeroth-order-lqr-proofs.md, appendix D: A_ij ~ N(2,1), B_ij ~ N(0,1), Q and R each
// M + Mᵀ + 10 I with M_ij ~ N(5,1), initial states uniform over the canonical basis.
struct LqrInstance {
  std::string name;
  LqrSystems system;  // a batch of one
  // (S, n): the states x₀ is drawn from uniformly (given, or the canonical basis of a
  // random recipe); undefined when the instance gives Sigma (then x₀ ~ N(0, Σ)).
  torch::Tensor initial_states;
};

// `name_or_path`: a shipped instance name ("malik3", "dean", "random8") or a JSON file.
LqrInstance load_lqr_instance(const std::string& name_or_path);

// Parses an instance from JSON; `source` names it in error messages.
LqrInstance parse_lqr_instance(const nlohmann::json& spec, const std::string& source);

// A matrix from nested JSON arrays (all rows of equal length, finite numbers), and back.
torch::Tensor json_to_matrix(const nlohmann::json& value, const std::string& path);
nlohmann::json matrix_to_json(const torch::Tensor& matrix);

// Throws InputError naming `path` unless the matrix is symmetric positive semidefinite
// (`strictly`: definite), as LQR weights and covariances must be.
void require_symmetric_psd(const torch::Tensor& matrix, bool strictly, const std::string& path);

}  // namespace diffctl
