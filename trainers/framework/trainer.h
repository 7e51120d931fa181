#pragma once

#include <nlohmann/json.hpp>
#include <torch/script.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

#include <ATen/core/Generator.h>

#include <cstdint>
#include <optional>
#include <string>

namespace diffctl {

class ConfigReader;
class RunSink;

// The training loop every trainer shares: steps, seeding, device, metrics, progress,
// periodic evaluation, checkpoint/resume, summary and policy export. A concrete trainer
// reads its own config keys in its constructor and implements prepare(), step(),
// evaluate() and summary(); it does not write its own loop.
//
// Config keys read here: steps, seed, eval_every, checkpoint_every, log_every, check_every.
class Trainer {
 public:
  Trainer(ConfigReader& config, torch::Device device, int64_t default_steps);
  // For a trainer whose step count follows from other keys (epochs of a dataset): the
  // "steps" key is not read, and prepare() calls set_steps().
  struct StepsSetInPrepare {};
  Trainer(ConfigReader& config, torch::Device device, StepsSetInPrepare);
  virtual ~Trainer() = default;

  // Everything that can still reject the input (sampling, initial gains, annealing),
  // done before any run directory exists. Must be deterministic given the config.
  virtual void prepare() = 0;

  // Runs steps [first, steps], reporting to `sink` (metrics, checkpoints where the sink
  // keeps them, the policy), and returns the summary; writing it is the caller's. With
  // `resume`, continues from the sink's checkpoint (from the start if there is none yet),
  // dropping logged metrics past it.
  nlohmann::json run(RunSink& sink, bool resume, bool quiet);

  int64_t steps() const { return steps_; }
  uint64_t seed() const { return seed_; }
  torch::Device device() const { return device_; }

 protected:
  // One optimisation step; returns the metrics to log for it.
  virtual nlohmann::json step(int64_t step) = 0;
  // Evaluation metrics, logged every eval_every steps and at the last step.
  virtual nlohmann::json evaluate() = 0;
  // Final figures (flat keys); called after the last evaluation.
  virtual nlohmann::json summary() = 0;
  virtual void save_state(torch::serialize::OutputArchive& archive) const = 0;
  virtual void load_state(torch::serialize::InputArchive& archive) = 0;
  // The trained policy (or model) as TorchScript, written to exported_file() (none by default).
  virtual std::optional<torch::jit::Module> policy() const { return std::nullopt; }
  virtual std::string exported_file() const { return "policy.pt"; }
  void set_steps(int64_t steps) { steps_ = steps; }

  // True once the run cannot go on (e.g. it diverged): the loop evaluates, logs and ends
  // after the current step, and the summary reports why.
  virtual bool stopped_early() const { return false; }
  // The state every rank of a multi-rank run must hold alike (the parameters): every
  // check_every steps its checksums are compared, so that a rank that drifted (another
  // machine's kernels, a fault) stops the run instead of silently training something else.
  // Undefined: nothing to compare.
  virtual torch::Tensor replicated_state() const { return {}; }

  // The run's random stream: everything random draws from it, so runs are reproducible
  // and its state is checkpointed.
  at::Generator& generator() { return generator_; }

 private:
  void save_checkpoint(const std::string& path, int64_t step, double elapsed_s) const;
  void check_ranks_agree(int64_t step) const;

  torch::Device device_;
  int64_t steps_;
  uint64_t seed_;
  int64_t eval_every_;
  int64_t checkpoint_every_;
  int64_t log_every_;
  int64_t check_every_;
  at::Generator generator_;
};

}  // namespace diffctl
