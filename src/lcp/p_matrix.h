#pragma once

#include <torch/types.h>

#include <string>

namespace diffctl::lcp {

// Largest size whose 2ⁿ − 1 principal minors require_p_matrix checks.
constexpr int64_t kPrincipalMinorCheckLimit = 12;

// Throws InputError (naming `name`) unless the square matrix F (n, n) is finite with a
// positive diagonal and, for n ≤ kPrincipalMinorCheckLimit, every principal minor is
// positive (the definition of a P-matrix). Larger F get only the necessary checks.
void require_p_matrix(const torch::Tensor& F, const std::string& name);

}  // namespace diffctl::lcp
