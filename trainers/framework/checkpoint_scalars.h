#pragma once

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace diffctl {

// A trainer's scalar state (counters, timings, running figures) in its checkpoint, by name:
// one nested archive "scalars" holding a 0-d tensor per value, int64 kept exact and float64
// with ±inf and NaN (a best return of −inf before the first evaluation).
using CheckpointScalar = std::variant<int64_t, double>;
void write_scalars(torch::serialize::OutputArchive& archive, const std::map<std::string, CheckpointScalar>& scalars);

// The scalars of a checkpoint; a missing one is an InputError naming it (the caller's
// checkpoint error reports the file).
class SavedScalars {
 public:
  explicit SavedScalars(torch::serialize::InputArchive& archive);
  bool has(const std::string& name);
  int64_t integer(const std::string& name);
  double real(const std::string& name);

 private:
  torch::Tensor read(const std::string& name);
  torch::serialize::InputArchive scalars_;
};

}  // namespace diffctl
