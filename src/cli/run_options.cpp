#include "src/cli/run_options.h"

#include "src/error.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace diffctl {

std::optional<RunOptions> parse_run_options(int argc, const char* const* argv,
                                            const std::string& description) {
  RunOptions options;
  CLI::App app(description);
  app.add_option("--config", options.config_path, "Experiment config (JSON), e.g. data/configs/...");
  app.add_option("--set", options.overrides,
                 "Override a config key: key.path=value (value parsed as JSON, else string)")
      ->take_all();
  app.add_option("--out", options.out_dir,
                 "Run directory (default: runs/<config name>-<time>)");
  app.add_option("--device", options.device, "cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--seed", options.seed, "Random seed (overrides the config's seed)");
  app.add_flag("--resume", options.resume, "Continue the run in --out from its checkpoint");
  app.add_flag("--quiet", options.quiet, "No progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& error) {
    throw InputError(std::string("command line: ") + error.what() + " (see --help)");
  }
  if (options.config_path.empty() && !options.resume) {
    throw InputError("command line: --config FILE is required (see --help)");
  }
  if (options.resume && options.out_dir.empty()) {
    throw InputError("command line: --resume needs --out DIR of the run to continue");
  }
  return options;
}

}  // namespace diffctl
