#pragma once

#include "modules/policy.h"

#include <ATen/core/Generator.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffctl {

class ConfigReader;

// What a policy's shape takes from its environment.
struct PolicySizes {
  int64_t observation_size;
  int64_t action_size;
};

// Builds a policy from its options section (each factory reads its keys from the reader;
// make_policy rejects the keys none read) and the generator its initial parameters are drawn
// from (LibTorch's global one when absent).
using PolicyFactory = std::function<std::shared_ptr<PolicyImpl>(ConfigReader& options, const PolicySizes& sizes,
                                                                std::optional<at::Generator> generator)>;

// Policies by name, as environments are (make_env): "linear", "mlp", "iso_ode_to_ode",
// "gated_ode_to_ode", "deep_resnet", "base_ode", "nanode" and "hypernet" are built in; a
// project adds its own with register_policy (names are unique). Every trainer builds its
// policy here, so a registered policy trains with any of them. `options_path` names the
// options section in error messages.
std::shared_ptr<PolicyImpl> make_policy(const std::string& name, const nlohmann::json& options,
                                        const PolicySizes& sizes, std::optional<at::Generator> generator = std::nullopt,
                                        const std::string& options_path = "policy_options");
void register_policy(const std::string& name, PolicyFactory factory);
std::vector<std::string> policy_names();

}  // namespace diffctl
