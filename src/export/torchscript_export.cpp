#include "src/export/torchscript_export.h"

#include "src/io/atomic_file.h"

namespace diffctl {

torch::jit::Module make_script_module(
    const std::string& name, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
    const std::string& methods_source) {
  torch::jit::Module module("__torch__.diffctl." + name);
  for (const auto& [tensor_name, tensor] : tensors) {
    module.register_buffer(tensor_name, tensor.detach().clone());
  }
  module.define(methods_source);
  module.eval();
  return module;
}

void save_script_module(const torch::jit::Module& module, const std::string& path) {
  write_file_atomically(path, [&](const std::string& temp_path) { module.save(temp_path); });
}

}  // namespace diffctl
