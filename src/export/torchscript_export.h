#pragma once

#include <torch/script.h>

#include <string>
#include <utility>
#include <vector>

namespace diffctl {

// Builds a TorchScript module from trained tensors and TorchScript source for its
// methods (at least `def forward(self, ...)`), so that a policy trained in C++ loads with
// torch::jit::load and Python's torch.jit.load. Tensors are registered as buffers
// (detached copies), the module is put in eval mode.
torch::jit::Module make_script_module(
    const std::string& name, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const std::string& methods_source);

// Saves the module through a temporary file and a rename.
void save_script_module(const torch::jit::Module& module, const std::string& path);

}  // namespace diffctl
