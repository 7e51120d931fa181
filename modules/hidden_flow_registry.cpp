#include "modules/hidden_flow_registry.h"

#include "modules/dense_layers.h"
#include "modules/neural_ode_flow.h"
#include "modules/ode_to_ode_flow.h"
#include "src/config/config_reader.h"
#include "src/config/named_registry.h"

namespace diffctl {

namespace {

HiddenFlowFactory neural_ode_factory(NeuralOdeFlowKind kind) {
  return [kind](ConfigReader& options, int64_t width, std::optional<at::Generator> generator) {
    return NeuralOdeFlow(NeuralOdeFlowOptions::from_config(options, kind, width), generator).ptr();
  };
}

NamedRegistry<HiddenFlowFactory>& registry() {
  static NamedRegistry<HiddenFlowFactory> instance(
      "model", "a hidden flow",
      {{"dense",
        [](ConfigReader& options, int64_t width, std::optional<at::Generator> generator) {
          return DenseLayers(DenseLayersOptions::from_config(options, width), generator).ptr();
        }},
       {"node", neural_ode_factory(NeuralOdeFlowKind::node)},
       {"nanode", neural_ode_factory(NeuralOdeFlowKind::nanode)},
       {"hypernet", neural_ode_factory(NeuralOdeFlowKind::hypernet)},
       {"odetoode", [](ConfigReader& options, int64_t width, std::optional<at::Generator> generator) {
          return OdeToOdeFlow(OdeToOdeFlowOptions::from_config(options, width), generator).ptr();
        }}});
  return instance;
}

}  // namespace

std::shared_ptr<HiddenFlowImpl> make_hidden_flow(const std::string& name, const nlohmann::json& options, int64_t width,
                                                 std::optional<at::Generator> generator, const std::string& options_path) {
  const HiddenFlowFactory factory = registry().find(name);
  ConfigReader reader(options, options_path);
  auto flow = factory(reader, width, generator);
  reader.finish();
  return flow;
}

void register_hidden_flow(const std::string& name, HiddenFlowFactory factory) { registry().add(name, std::move(factory)); }

std::vector<std::string> hidden_flow_names() { return registry().names(); }

}  // namespace diffctl
