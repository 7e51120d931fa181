#include "trainers/framework/run_sink.h"

#include "src/error.h"
#include "src/export/torchscript_export.h"
#include "src/io/atomic_file.h"
#include "src/training/metrics_log.h"
#include "trainers/framework/run_setup.h"

#include <filesystem>

namespace diffctl {

void RunSink::log(int64_t step, double time_s, const nlohmann::json& metrics) {
  nlohmann::json line = {{"step", step}, {"time_s", time_s}};
  line.update(metrics);
  metrics_.push_back(std::move(line));
}

DirectorySink::DirectorySink(std::string run_dir) : run_dir_(std::move(run_dir)) {}
DirectorySink::~DirectorySink() = default;

std::string DirectorySink::path_of(const std::string& name) const {
  return (std::filesystem::path(run_dir_) / name).string();
}

void DirectorySink::open_metrics(int64_t keep_through_step) {
  log_ = std::make_unique<MetricsLog>(path_of("metrics.jsonl"), keep_through_step);
  metrics_ = log_->kept_lines();
}

void DirectorySink::log(int64_t step, double time_s, const nlohmann::json& metrics) {
  if (!log_) throw Error("DirectorySink::log before open_metrics");
  RunSink::log(step, time_s, metrics);
  log_->write(metrics_.back());
}

std::optional<std::string> DirectorySink::checkpoint_path() const { return path_of("checkpoint.pt"); }

void DirectorySink::save_module(const std::string& name, const torch::jit::Module& module) {
  save_script_module(module, path_of(name));
}

void DirectorySink::write_text(const std::string& name, const std::string& text) {
  write_text_atomically(path_of(name), text);
}

void DirectorySink::write_summary(const nlohmann::json& summary) { write_text("summary.json", summary.dump(2) + "\n"); }

RunSink::Child DirectorySink::child(const std::string& name, const nlohmann::json& config, bool resume) {
  const std::string directory = path_of(name);
  const bool resumed = resume && std::filesystem::exists(std::filesystem::path(directory) / "config.json");
  open_run_directory(directory, config, resumed);
  return {std::make_unique<DirectorySink>(directory), resumed};
}

RunSink::Child MemorySink::child(const std::string&, const nlohmann::json&, bool) {
  return {std::make_unique<MemorySink>(), false};
}

void MemorySink::open_metrics(int64_t keep_through_step) {
  if (keep_through_step >= 0) throw Error("MemorySink: a run in memory cannot be resumed");
  metrics_.clear();
}

}  // namespace diffctl
