#include "trainers/framework/trainer.h"

#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "src/parallel/communicator.h"
#include "src/seeding.h"
#include "src/training/progress_bar.h"
#include "trainers/framework/checkpoint_scalars.h"
#include "trainers/framework/run_sink.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace diffctl {

Trainer::Trainer(ConfigReader& config, torch::Device device, StepsSetInPrepare)
    : device_(device),
      steps_(0),
      seed_(static_cast<uint64_t>(config.integer("seed", 0, 0))),
      eval_every_(config.integer("eval_every", 0, 0)),
      checkpoint_every_(config.integer("checkpoint_every", 100, 0)),
      log_every_(config.integer("log_every", 1, 1)),
      check_every_(config.integer("check_every", 10, 0)),
      generator_(make_generator(seed_)) {}

Trainer::Trainer(ConfigReader& config, torch::Device device, int64_t default_steps)
    : Trainer(config, device, StepsSetInPrepare{}) {
  steps_ = config.integer("steps", default_steps, 0);
}

void Trainer::save_checkpoint(const std::string& path, int64_t step, double elapsed_s) const {
  torch::serialize::OutputArchive archive;
  write_scalars(archive, {{"step", step}, {"elapsed_s", elapsed_s}});
  archive.write("generator_state", generator_state(generator_));
  torch::serialize::OutputArchive state;
  save_state(state);
  archive.write("trainer", state);
  write_file_atomically(path, [&](const std::string& temp_path) { archive.save_to(temp_path); });
}

void Trainer::check_ranks_agree(int64_t step) const {
  const Communicator& ranks = world();
  if (ranks.size() == 1 || check_every_ == 0 || step % check_every_ != 0) return;
  const torch::Tensor state = replicated_state();
  if (!state.defined()) return;
  const torch::Tensor bytes = state.detach().to(torch::kCPU).contiguous();
  const uint64_t checksum = fnv1a_checksum(bytes.data_ptr(), bytes.numel() * bytes.element_size());
  // Two exact halves: a double holds 53 bits.
  const std::vector<double> all = ranks.all_gather({static_cast<double>(checksum >> 32),
                                                    static_cast<double>(checksum & 0xffffffffULL)});
  for (int rank = 1; rank < ranks.size(); ++rank) {
    if (all[2 * rank] != all[0] || all[2 * rank + 1] != all[1]) {
      throw Error("rank " + std::to_string(rank) + "'s parameters differ from rank 0's after step " +
                  std::to_string(step) + " (the ranks must run the same build on the same kernels)");
    }
  }
}

namespace {
std::string file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (!file) throw CheckpointError(path + ": cannot be read");
  return bytes.str();
}

std::string short_metric(const nlohmann::json& metrics) {
  for (const auto& item : metrics.items()) {
    if (item.value().is_number()) {
      std::ostringstream text;
      text << item.key() << " " << std::setprecision(5) << item.value().get<double>();
      return text.str();
    }
  }
  return "";
}
}  // namespace

nlohmann::json Trainer::run(RunSink& sink, bool resume, bool quiet) {
  namespace fs = std::filesystem;
  const std::optional<std::string> checkpoint = sink.checkpoint_path();
  const std::string checkpoint_path = checkpoint.value_or("");
  int64_t first_step = 1;
  double elapsed_before = 0.0;
  // A run killed before its first checkpoint resumes from the start. Under MPI only the
  // root has a checkpoint file; every rank restarts from the bytes it reads.
  // (`saved` is empty without a checkpoint, else a marker byte and the file's bytes.)
  const Communicator& ranks = world();
  std::string saved;
  if (resume && ranks.is_root() && checkpoint && fs::exists(checkpoint_path)) saved = "C" + file_bytes(checkpoint_path);
  if (resume && ranks.size() > 1) saved = ranks.broadcast(saved);
  if (!saved.empty()) {
    const std::string source = checkpoint ? checkpoint_path : "the root's checkpoint";
    torch::serialize::InputArchive archive;
    try {
      std::istringstream bytes(saved.substr(1));
      archive.load_from(bytes);
      SavedScalars scalars(archive);
      torch::Tensor generator;
      archive.read("generator_state", generator);
      restore_generator_state(generator_, generator);
      torch::serialize::InputArchive state;
      archive.read("trainer", state);
      load_state(state);
      first_step = scalars.integer("step") + 1;
      elapsed_before = scalars.real("elapsed_s");
    } catch (const c10::Error& error) {
      throw CheckpointError(source + ": not a readable checkpoint of this trainer (" +
                            std::string(error.what_without_backtrace()) + ")");
    } catch (const InputError& error) {  // load_state's shape checks
      throw CheckpointError(source + ": " + error.what());
    }
  }

  sink.open_metrics(resume ? first_step - 1 : -1);
  ProgressBar progress(steps_, !quiet);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return elapsed_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int64_t step_index = first_step; step_index <= steps_; ++step_index) {
    nlohmann::json metrics = step(step_index);
    check_ranks_agree(step_index);
    const bool last = step_index == steps_ || stopped_early();
    const bool evaluate_now = last || (eval_every_ > 0 && step_index % eval_every_ == 0);
    if (evaluate_now) metrics.update(evaluate());
    if (evaluate_now || step_index % log_every_ == 0) sink.log(step_index, elapsed(), metrics);
    progress.update(step_index, short_metric(metrics));
    if (checkpoint && !last && checkpoint_every_ > 0 && step_index % checkpoint_every_ == 0) {
      save_checkpoint(checkpoint_path, step_index, elapsed());
    }
    if (last) break;
  }
  progress.finish();
  if (steps_ == 0 && !resume) sink.log(0, elapsed(), evaluate());

  nlohmann::json result = summary();
  if (!result.contains("steps")) result["steps"] = steps_;  // a trainer that stops early says how far it got
  result["wall_time_s"] = elapsed();
  if (checkpoint) save_checkpoint(checkpoint_path, steps_, elapsed());
  if (const auto module = policy()) sink.save_module(exported_file(), *module);
  return result;
}

}  // namespace diffctl
