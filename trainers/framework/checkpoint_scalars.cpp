#include "trainers/framework/checkpoint_scalars.h"

#include "src/error.h"

#include <torch/types.h>

namespace diffctl {

void write_scalars(torch::serialize::OutputArchive& archive, const std::map<std::string, CheckpointScalar>& scalars) {
  torch::serialize::OutputArchive nested;
  for (const auto& [name, value] : scalars) {
    nested.write(name, std::holds_alternative<int64_t>(value)
                           ? torch::tensor(std::get<int64_t>(value), torch::kInt64)
                           : torch::tensor(std::get<double>(value), torch::kFloat64));
  }
  archive.write("scalars", nested);
}

SavedScalars::SavedScalars(torch::serialize::InputArchive& archive) { archive.read("scalars", scalars_); }

bool SavedScalars::has(const std::string& name) {
  torch::Tensor value;
  return scalars_.try_read(name, value);
}

torch::Tensor SavedScalars::read(const std::string& name) {
  torch::Tensor value;
  if (!scalars_.try_read(name, value) || value.numel() != 1) {
    throw InputError("checkpoint: no scalar \"" + name + "\" (a checkpoint of another trainer or version)");
  }
  return value;
}

int64_t SavedScalars::integer(const std::string& name) {
  const torch::Tensor value = read(name);
  if (value.scalar_type() != torch::kInt64) throw InputError("checkpoint: scalar \"" + name + "\" is not an integer");
  return value.item<int64_t>();
}

double SavedScalars::real(const std::string& name) {
  const torch::Tensor value = read(name);
  if (value.scalar_type() != torch::kFloat64) throw InputError("checkpoint: scalar \"" + name + "\" is not a float64");
  return value.item<double>();
}

}  // namespace diffctl
