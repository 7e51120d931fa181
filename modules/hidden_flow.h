#pragma once

#include "src/manifold/manifold.h"

#include <torch/nn/module.h>
#include <torch/script.h>

#include <map>
#include <string>

namespace diffctl {

// The hidden part of an image classifier (pixels → linear embedding → hidden flow on
// [0, 1] → linear readout): a map of the width-w embedding (B, w) to (B, w). Its
// parameters declare their manifolds; the export writes what forward() computes into a
// TorchScript module (weights that depend on the parameters alone precomputed as buffers).
class HiddenFlowImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  // Manifolds of the parameters that are not free, by registered name.
  const std::map<std::string, Manifold>& manifolds() const { return manifolds_; }
  // Registers the buffers the body needs on `module` (names prefixed "flow_") and returns
  // the TorchScript lines, indented by four spaces, that map `x` (B, w) to the flow's end.
  virtual std::string export_to(torch::jit::Module& module) const = 0;

 protected:
  torch::Tensor register_manifold_parameter(const std::string& name, torch::Tensor value, Manifold manifold) {
    if (manifold != Manifold::free) manifolds_[name] = manifold;
    return register_parameter(name, std::move(value));
  }

 private:
  std::map<std::string, Manifold> manifolds_;
};

}  // namespace diffctl
