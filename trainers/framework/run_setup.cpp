#include "trainers/framework/run_setup.h"

#include "src/config/config_source.h"
#include "src/error.h"
#include "src/io/atomic_file.h"
#include "src/parallel/communicator.h"

#include <c10/util/Exception.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace diffctl {

namespace fs = std::filesystem;

nlohmann::json load_run_config(const RunOptions& options) {
  nlohmann::json config;
  if (!options.config_path.empty()) {
    config = load_config_file(options.config_path);
  } else {
    const auto saved = (fs::path(options.out_dir) / "config.json").string();
    if (!fs::exists(saved)) throw InputError("--resume: no config.json in " + options.out_dir);
    config = load_config_file(saved);
  }
  apply_overrides(config, options.overrides);
  if (options.seed) config["seed"] = *options.seed;
  return config;
}

std::string choose_run_directory(const RunOptions& options) {
  if (!options.out_dir.empty()) return options.out_dir;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return (fs::path("runs") / (fs::path(options.config_path).stem().string() + "-" + stamp)).string();
}

void require_fresh_run_directory(const std::string& run_dir) {
  if (fs::exists(run_dir) && !(fs::is_directory(run_dir) && fs::is_empty(run_dir))) {
    throw InputError("--out " + run_dir +
                     ": already exists and is not empty (use --resume to continue it, or another --out)");
  }
}

void open_run_directory(const std::string& run_dir, const nlohmann::json& resolved_config,
                        bool resume) {
  const auto config_path = (fs::path(run_dir) / "config.json").string();
  if (resume) {
    std::ifstream saved_file(config_path);
    const auto saved = nlohmann::json::parse(saved_file, nullptr, /*allow_exceptions=*/false);
    if (saved.is_discarded()) throw InputError("--resume: " + config_path + " is missing or corrupt");
    if (saved != resolved_config) {
      throw InputError("--resume: the config differs from " + config_path +
                       " (a resumed run must keep its config; drop --config/--set or start a new --out)");
    }
    return;
  }
  require_fresh_run_directory(run_dir);
  std::error_code error;
  fs::create_directories(run_dir, error);
  if (error) throw InputError("--out " + run_dir + ": cannot create the directory (" + error.message() + ")");
  write_text_atomically(config_path, resolved_config.dump(2) + "\n");
}

int exit_code_of(const std::string& program, const std::function<void()>& body) {
  // Bad input is the same on every rank and reported once, by the root, every rank exiting
  // with 2. Any other failure may be one rank's alone (a killed env, an exception): that
  // rank reports it and aborts the whole run, so that no rank waits for it forever.
  const auto fail = [&](const std::string& kind, const std::string& what, int code) {
    const Communicator& ranks = world();
    if (code == 2 && !ranks.is_root()) return code;
    std::cerr << program;
    if (ranks.size() > 1 && code != 2) std::cerr << " (rank " << ranks.rank() << " of " << ranks.size() << ")";
    std::cerr << ": " << kind << ": " << what << std::endl;
    if (ranks.size() > 1 && code != 2) ranks.abort(code);
    return code;
  };
  try {
    body();
    return 0;
  } catch (const InputError& error) {
    return fail("error", error.what(), 2);
  } catch (const Error& error) {
    return fail("failed", error.what(), 1);
  } catch (const c10::Error& error) {
    return fail("failed", error.what_without_backtrace(), 1);
  } catch (const std::exception& error) {
    return fail("failed", error.what(), 1);
  }
}

int run_executable(int argc, const char* const* argv, const std::string& description,
                   const std::function<void(const RunOptions&)>& body) {
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  return exit_code_of(program, [&] {
    const auto options = parse_run_options(argc, argv, description);
    if (options) body(*options);
  });
}

}  // namespace diffctl
