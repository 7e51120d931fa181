#include "modules/policy_registry.h"

#include "modules/gated_ode_to_ode_policy.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "modules/neural_ode_policy.h"
#include "src/config/config_reader.h"
#include "src/error.h"

#include <map>
#include <mutex>

namespace diffctl {

namespace {

PolicyFactory neural_ode_factory(NeuralOdeKind kind) {
  return [kind](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator> generator) {
    return NeuralOdePolicy(NeuralOdePolicyOptions::from_config(options, kind, sizes.observation_size, sizes.action_size),
                           generator)
        .ptr();
  };
}

struct PolicyRegistry {
  std::mutex mutex;
  std::map<std::string, PolicyFactory> factories{
      {"linear",
       [](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator>) {
         return LinearPolicy(LinearPolicyOptions::from_config(options, sizes.observation_size, sizes.action_size)).ptr();
       }},
      {"mlp",
       [](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator> generator) {
         return MlpPolicy(MlpPolicyOptions::from_config(options, sizes.observation_size, sizes.action_size), generator)
             .ptr();
       }},
      {"iso_ode_to_ode",
       [](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator> generator) {
         return IsoOdeToOdePolicy(
                    IsoOdeToOdePolicyOptions::from_config(options, sizes.observation_size, sizes.action_size), generator)
             .ptr();
       }},
      {"gated_ode_to_ode",
       [](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator> generator) {
         return GatedOdeToOdePolicy(
                    GatedOdeToOdePolicyOptions::from_config(options, sizes.observation_size, sizes.action_size),
                    generator)
             .ptr();
       }},
      {"deep_resnet", neural_ode_factory(NeuralOdeKind::deep_resnet)},
      {"base_ode", neural_ode_factory(NeuralOdeKind::base_ode)},
      {"nanode", neural_ode_factory(NeuralOdeKind::nanode)},
      {"hypernet", neural_ode_factory(NeuralOdeKind::hypernet)}};
};

PolicyRegistry& registry() {
  static PolicyRegistry instance;
  return instance;
}

}  // namespace

std::vector<std::string> policy_names() {
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto& entry : registry().factories) names.push_back(entry.first);
  return names;
}

std::shared_ptr<PolicyImpl> make_policy(const std::string& name, const nlohmann::json& options,
                                        const PolicySizes& sizes, std::optional<at::Generator> generator,
                                        const std::string& options_path) {
  PolicyFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry().mutex);
    const auto found = registry().factories.find(name);
    if (found != registry().factories.end()) factory = found->second;
  }
  if (!factory) {
    std::string known;
    for (const auto& known_name : policy_names()) known += (known.empty() ? "\"" : ", \"") + known_name + "\"";
    throw InputError("policy: expected one of " + known + ", got \"" + name + "\"");
  }
  ConfigReader reader(options, options_path);
  auto policy = factory(reader, sizes, generator);
  reader.finish();
  return policy;
}

void register_policy(const std::string& name, PolicyFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  if (!registry().factories.emplace(name, std::move(factory)).second) {
    throw Error("register_policy: a policy named \"" + name + "\" is registered already");
  }
}

}  // namespace diffctl
