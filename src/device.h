#pragma once

#include <torch/types.h>

#include <string>

namespace diffctl {

// "cpu" or "cuda"/"cuda:N"; CUDA without a usable CUDA build and GPU is an InputError.
torch::Device parse_device(const std::string& name);

}  // namespace diffctl
