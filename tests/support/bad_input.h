#pragma once

#include "support/command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace diffctl::testing {

// Each case (arguments, expected text) of an executable's bad input: `run(arguments, out)`
// exits with 2, prints one line on stderr that contains the expected text, and leaves no run
// directory at `out`.
inline void expect_rejected_before_any_run_directory(
    const std::function<CommandResult(const std::string& arguments, const std::string& out)>& run,
    const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [arguments, expected] : cases) {
    const std::string out = scratch_dir("bad_input");
    const auto result = run(arguments, out);
    EXPECT_EQ(result.exit_code, 2) << arguments;
    EXPECT_NE(result.err.find(expected), std::string::npos) << arguments << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
}

}  // namespace diffctl::testing
