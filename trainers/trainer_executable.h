#pragma once

#include "trainers/trainer.h"

#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

namespace diffctl {

class ConfigReader;

using TrainerFactory =
    std::function<std::unique_ptr<Trainer>(ConfigReader& config, torch::Device device)>;

// The whole main of a trainer executable (DESIGN.md "Trainers and executables"): parse the
// shared command line, resolve and validate the config, prepare the trainer, and only
// then create the run directory and train. Prints the summary on stdout.
int run_trainer_main(int argc, const char* const* argv, const std::string& description,
                     const TrainerFactory& make_trainer);

}  // namespace diffctl
