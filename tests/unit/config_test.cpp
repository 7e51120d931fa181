#include "src/config/config_reader.h"
#include "src/config/config_source.h"
#include "src/error.h"
#include "support/input_error.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace diffctl {
namespace {

std::string error_of(const std::function<void()>& body) { return testing::input_error_of(body); }

TEST(ConfigReader, FillsDefaultsAndRecordsResolvedValues) {
  ConfigReader reader(nlohmann::json{{"step_size", 0.5}});
  EXPECT_EQ(reader.number("step_size", 1.0, 0, true), 0.5);
  EXPECT_EQ(reader.integer("steps", 10, 0), 10);
  EXPECT_EQ(reader.choice("optimizer", "sgd", {"sgd", "adam"}), "sgd");
  reader.finish();
  EXPECT_EQ(reader.resolved(), (nlohmann::json{{"step_size", 0.5}, {"steps", 10}, {"optimizer", "sgd"}}));
}

TEST(ConfigReader, RejectsWrongTypesAndRangesNamingTheKeyPath) {
  EXPECT_EQ(error_of([] { ConfigReader(nlohmann::json{{"mu", "abc"}}, "lcs").number("mu", 0, 0); }),
            "lcs.mu: expected a number >= 0, got \"abc\"");
  EXPECT_EQ(error_of([] { ConfigReader(nlohmann::json{{"step_size", -1}}).number("step_size", 1, 0, true); }),
            "step_size: expected a number > 0, got -1.0");
  EXPECT_EQ(error_of([] { ConfigReader(nlohmann::json{{"steps", 2.5}}).integer("steps", 1, 0); }),
            "steps: expected an integer >= 0, got 2.5");
  EXPECT_EQ(error_of([] { ConfigReader(nlohmann::json{{"anneal", 1}}).boolean("anneal", false); }),
            "anneal: expected true or false, got 1");
  EXPECT_EQ(error_of([] { ConfigReader(nlohmann::json{{"mode", "both"}}).choice("mode", "dr", {"dr", "sa"}); }),
            "mode: expected one of \"dr\", \"sa\", got \"both\"");
}

TEST(ConfigReader, UnknownKeysAreErrorsAlsoInsideSections) {
  ConfigReader top(nlohmann::json{{"steps", 3}, {"stpe_size", 1}});
  top.integer("steps", 1);
  EXPECT_EQ(error_of([&] { top.finish(); }), "stpe_size: unknown key (not a setting of this config)");

  ConfigReader nested(nlohmann::json{{"cartpole", {{"dt", 0.01}, {"lenght", 2}}}});
  EXPECT_EQ(error_of([&] {
              nested.section("cartpole", [](ConfigReader& section) { section.number("dt", 0.02, 0, true); });
            }),
            "cartpole.lenght: unknown key (not a setting of this section)");
}

TEST(ConfigOverrides, ParseTypedValuesIntoNestedPaths) {
  nlohmann::json config = {{"cartpole", {{"dt", 0.02}, {"pole_mass", 0.1}}}, {"mode", "dr"}};
  apply_overrides(config, {"steps=20", "anneal=true", "mode=sa", "modes=[\"dr\",\"sa\"]",
                           "cartpole.dt=0.01", "name=\"123\""});
  EXPECT_EQ(config["steps"], 20);
  EXPECT_EQ(config["anneal"], true);
  EXPECT_EQ(config["mode"], "sa");
  EXPECT_EQ(config["modes"], (nlohmann::json{"dr", "sa"}));
  EXPECT_EQ(config["cartpole"]["dt"], 0.01);
  EXPECT_EQ(config["cartpole"]["pole_mass"], 0.1);  // siblings survive the merge patch
  EXPECT_EQ(config["name"], "123");
  EXPECT_NE(error_of([&] { apply_override(config, "no_equals_sign"); }).find("expected key.path=value"),
            std::string::npos);
}

TEST(ConfigFile, MissingAndMalformedFilesAreInputErrors) {
  EXPECT_EQ(error_of([] { load_config_file("/nonexistent/x.json"); }),
            "--config /nonexistent/x.json: cannot open the file");
  const std::string path = ::testing::TempDir() + "malformed.json";
  std::ofstream(path) << "{\"steps\": 10,";
  EXPECT_NE(error_of([&] { load_config_file(path); }).find("not valid JSON"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace diffctl
