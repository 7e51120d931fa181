#include "modules/policy_registry.h"

#include "modules/gated_ode_to_ode_policy.h"
#include "modules/iso_ode_to_ode_policy.h"
#include "modules/linear_policy.h"
#include "modules/mlp_policy.h"
#include "modules/neural_ode_policy.h"
#include "src/config/config_reader.h"
#include "src/config/named_registry.h"

namespace diffctl {

namespace {

PolicyFactory neural_ode_factory(NeuralOdeKind kind) {
  return [kind](ConfigReader& options, const PolicySizes& sizes, std::optional<at::Generator> generator) {
    return NeuralOdePolicy(NeuralOdePolicyOptions::from_config(options, kind, sizes.observation_size, sizes.action_size),
                           generator)
        .ptr();
  };
}

NamedRegistry<PolicyFactory>& registry() {
  static NamedRegistry<PolicyFactory> instance(
      "policy", "a policy",
      {
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
          {"hypernet", neural_ode_factory(NeuralOdeKind::hypernet)}});
  return instance;
}

}  // namespace

std::vector<std::string> policy_names() { return registry().names(); }

std::shared_ptr<PolicyImpl> make_policy(const std::string& name, const nlohmann::json& options,
                                        const PolicySizes& sizes, std::optional<at::Generator> generator,
                                        const std::string& options_path) {
  const PolicyFactory factory = registry().find(name);
  ConfigReader reader(options, options_path);
  auto policy = factory(reader, sizes, generator);
  reader.finish();
  return policy;
}

void register_policy(const std::string& name, PolicyFactory factory) { registry().add(name, std::move(factory)); }

}  // namespace diffctl
