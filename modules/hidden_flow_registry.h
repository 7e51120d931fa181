#pragma once

#include "modules/hidden_flow.h"

#include <ATen/core/Generator.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// Builds a classifier's hidden flow of width `width` from its options section (the factory
// reads its keys; make_hidden_flow rejects the keys none read).
using HiddenFlowFactory =
    std::function<std::shared_ptr<HiddenFlowImpl>(ConfigReader& options, int64_t width, std::optional<at::Generator> generator)>;

// Hidden flows by name, as policies are (make_policy): "dense" (depth), "node", "nanode"
// (degree), "hypernet" (gates) and "odetoode" (gates) are built in — ode-to-ode.md Table 1's
// models; a project adds its own with register_hidden_flow.
std::shared_ptr<HiddenFlowImpl> make_hidden_flow(const std::string& name, const nlohmann::json& options, int64_t width,
                                                 std::optional<at::Generator> generator = std::nullopt,
                                                 const std::string& options_path = "model_options");
void register_hidden_flow(const std::string& name, HiddenFlowFactory factory);
std::vector<std::string> hidden_flow_names();

}  // namespace diffctl
