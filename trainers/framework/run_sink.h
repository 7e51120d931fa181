#pragma once

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffctl {

class MetricsLog;

// Where a run reports: its metric lines, checkpoints, trained policy, tables and summary.
// A DirectorySink writes the run directory (DESIGN.md "Trainers and executables"); a
// MemorySink keeps everything in memory, for sweeps and comparisons that only aggregate.
// Both keep the metric lines in memory, so a runner reads them back without parsing files.
class RunSink {
 public:
  virtual ~RunSink() = default;

  // Starts the metric stream. With keep_through_step >= 0 (a resumed run) the lines logged
  // before, up to that step, are kept and the rest dropped.
  virtual void open_metrics(int64_t keep_through_step) = 0;
  virtual void log(int64_t step, double time_s, const nlohmann::json& metrics);
  // Where checkpoints go; none when the sink cannot resume a run.
  virtual std::optional<std::string> checkpoint_path() const = 0;
  // A trained model as TorchScript, by file name (policy.pt, model.pt).
  virtual void save_module(const std::string& name, const torch::jit::Module& module) = 0;
  // A table or other text output, by file name.
  virtual void write_text(const std::string& name, const std::string& text) = 0;
  virtual void write_summary(const nlohmann::json& summary) = 0;

  const std::vector<nlohmann::json>& metrics() const { return metrics_; }

  // A sink for a run nested in this one (one mode of a comparison), recording `config`.
  // With `resume`, a nested run that had started is resumed (resumed = true).
  struct Child {
    std::unique_ptr<RunSink> sink;
    bool resumed = false;
  };
  virtual Child child(const std::string& name, const nlohmann::json& config, bool resume) = 0;

 protected:
  std::vector<nlohmann::json> metrics_;
};

class DirectorySink : public RunSink {
 public:
  // `run_dir` must exist.
  explicit DirectorySink(std::string run_dir);
  ~DirectorySink() override;

  void open_metrics(int64_t keep_through_step) override;
  void log(int64_t step, double time_s, const nlohmann::json& metrics) override;
  std::optional<std::string> checkpoint_path() const override;
  void save_module(const std::string& name, const torch::jit::Module& module) override;
  void write_text(const std::string& name, const std::string& text) override;
  void write_summary(const nlohmann::json& summary) override;
  Child child(const std::string& name, const nlohmann::json& config, bool resume) override;

  const std::string& run_dir() const { return run_dir_; }

 private:
  std::string path_of(const std::string& name) const;
  std::string run_dir_;
  std::unique_ptr<MetricsLog> log_;
};

class MemorySink : public RunSink {
 public:
  void open_metrics(int64_t keep_through_step) override;
  std::optional<std::string> checkpoint_path() const override { return std::nullopt; }
  void save_module(const std::string&, const torch::jit::Module& module) override { policy_ = module; }
  void write_text(const std::string& name, const std::string& text) override { texts_[name] = text; }
  void write_summary(const nlohmann::json& summary) override { summary_ = summary; }
  Child child(const std::string& name, const nlohmann::json& config, bool resume) override;

  const nlohmann::json& summary() const { return summary_; }
  const std::optional<torch::jit::Module>& policy() const { return policy_; }
  const std::map<std::string, std::string>& texts() const { return texts_; }

 private:
  nlohmann::json summary_;
  std::optional<torch::jit::Module> policy_;
  std::map<std::string, std::string> texts_;
};

// Where the ranks other than the root report in a multi-rank run: they compute alongside
// the root and keep and write nothing, and resume with it (from the checkpoint bytes the
// root sends).
class ReplicaSink : public RunSink {
 public:
  void open_metrics(int64_t) override {}
  void log(int64_t, double, const nlohmann::json&) override {}
  std::optional<std::string> checkpoint_path() const override { return std::nullopt; }
  void save_module(const std::string&, const torch::jit::Module&) override {}
  void write_text(const std::string&, const std::string&) override {}
  void write_summary(const nlohmann::json&) override {}
  Child child(const std::string&, const nlohmann::json&, bool) override { return {std::make_unique<ReplicaSink>(), false}; }
};

}  // namespace diffctl
