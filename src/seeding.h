#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace diffctl {

// A CPU generator of its own per random stream, so that a run's samples depend only on
// its seed (not on what else drew from the global generator) and its state can be
// checkpointed. Samples are drawn on the CPU and moved to the run's device, which keeps
// CPU and CUDA runs on the same random sequence.
at::Generator make_generator(uint64_t seed);

// Takes the generator by value: a handle sharing the same state.
torch::Tensor generator_state(at::Generator generator);
void restore_generator_state(at::Generator& generator, const torch::Tensor& state);

// The std::optional generator modules take, as the c10::optional the tensor factories take
// (nullopt: LibTorch's global generator).
inline c10::optional<at::Generator> generator_or_global(const std::optional<at::Generator>& generator) {
  return generator ? c10::optional<at::Generator>(*generator) : c10::nullopt;
}

}  // namespace diffctl
