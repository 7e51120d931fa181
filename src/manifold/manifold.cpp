#include "src/manifold/manifold.h"

namespace diffctl {

std::string to_string(Manifold manifold) {
  switch (manifold) {
    case Manifold::free: return "free";
    case Manifold::symmetric: return "symmetric";
    case Manifold::orthogonal: return "orthogonal";
    case Manifold::stiefel: return "stiefel";
  }
  return "unknown";
}

}  // namespace diffctl
