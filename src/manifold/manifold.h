#pragma once

#include <string>

namespace diffctl {

// The set a parameter lives on. An update that follows a gradient estimate must keep the
// parameter there: free parameters take any step, symmetric ones are symmetrised, and
// orthogonal (O(n), square) and Stiefel (St(n, k): n×k with orthonormal columns) ones
// are retracted (ode-to-ode.md, eq. 8–9). Policies declare one per parameter.
enum class Manifold { free, symmetric, orthogonal, stiefel };

std::string to_string(Manifold manifold);

}  // namespace diffctl
