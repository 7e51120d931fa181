#include "modules/policy.h"

#include "src/error.h"
#include "src/export/torchscript_export.h"

#include <cmath>
#include <sstream>

namespace diffctl {

PolicyImpl::PolicyImpl(int64_t observation_size, int64_t action_size,
                       const ObservationNormalizerOptions& normalizer_options)
    : observation_size_(observation_size),
      action_size_(action_size),
      normalizer_(normalizer_options) {
  if (observation_size < 1) throw InputError("observation_size: expected an integer >= 1, got " + std::to_string(observation_size));
  if (action_size < 1) throw InputError("action_size: expected an integer >= 1, got " + std::to_string(action_size));
  if (normalizer_options.observation_size() != observation_size) {
    throw InputError("normalizer: sized for " + std::to_string(normalizer_options.observation_size()) +
                     " observation components, the policy takes " + std::to_string(observation_size));
  }
  register_module("normalizer", normalizer_);
}

torch::Tensor PolicyImpl::register_policy_parameter(const std::string& name, torch::Tensor value,
                                                    Manifold manifold) {
  check_manifold_shape(manifold, value, "policy parameter " + name);
  manifolds_[name] = manifold;
  return register_parameter(name, std::move(value));
}

Manifold PolicyImpl::manifold_of(const std::string& parameter_name) const {
  const auto found = manifolds_.find(parameter_name);
  if (found == manifolds_.end()) throw Error("policy has no parameter \"" + parameter_name + "\"");
  return found->second;
}

torch::Tensor PolicyImpl::forward(const torch::Tensor& observations) {
  const bool single = observations.dim() == 1;
  if ((observations.dim() != 1 && observations.dim() != 2) || observations.size(-1) != observation_size_) {
    throw InputError("policy observations: expected shape (" + std::to_string(observation_size_) + ") or (B, " +
                     std::to_string(observation_size_) + "), got " + c10::str(observations.sizes()));
  }
  const auto dtype = normalizer_->mean.scalar_type();
  auto batch = observations.to(dtype);
  if (single) batch = batch.unsqueeze(0);
  auto actions = forward_batched(parameter_batch(), batch.unsqueeze(0)).squeeze(0);
  if (single) actions = actions.squeeze(0);
  return actions.to(observations.scalar_type());
}

torch::Tensor PolicyImpl::forward_batched(const ParameterBatch& parameters, const torch::Tensor& observations) const {
  return forward_prepared(prepare(parameters), observations);
}

torch::Tensor PolicyImpl::forward_prepared(const ParameterBatch& prepared, const torch::Tensor& observations) const {
  const torch::Tensor actions = act(prepared, normalizer_->forward(observations));
  return action_clip_ > 0.0 ? actions.clamp(-action_clip_, action_clip_) : actions;
}

void PolicyImpl::set_action_clip(double bound) {
  if (!(bound >= 0.0) || !std::isfinite(bound)) {
    throw InputError("action_clip: expected a finite number >= 0, got " + std::to_string(bound));
  }
  action_clip_ = bound;
}

int64_t PolicyImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& parameter : named_parameters(/*recurse=*/false)) count += parameter.value().numel();
  return count;
}

torch::Tensor PolicyImpl::flat_parameters() const {
  std::vector<torch::Tensor> pieces;
  for (const auto& parameter : named_parameters(/*recurse=*/false)) pieces.push_back(parameter.value().detach().reshape({-1}));
  return torch::cat(pieces);
}

ParameterBatch PolicyImpl::unflatten(const torch::Tensor& flat) const {
  if (flat.dim() != 2 || flat.size(1) != parameter_count()) {
    throw Error("policy parameters: expected a batch of flat vectors (K, " + std::to_string(parameter_count()) +
                "), got " + c10::str(flat.sizes()));
  }
  ParameterBatch batch;
  int64_t offset = 0;
  for (const auto& parameter : named_parameters(/*recurse=*/false)) {
    std::vector<int64_t> shape{flat.size(0)};
    for (const int64_t size : parameter.value().sizes()) shape.push_back(size);
    const int64_t count = parameter.value().numel();
    batch.insert(parameter.key(), flat.narrow(1, offset, count).reshape(shape));
    offset += count;
  }
  return batch;
}

ParameterLayout PolicyImpl::parameter_layout() const {
  ParameterLayout layout;
  for (const auto& parameter : named_parameters(/*recurse=*/false)) {
    layout.add(parameter.key(), parameter.value().sizes().vec(), manifold_of(parameter.key()));
  }
  return layout;
}

void PolicyImpl::set_flat_parameters(const torch::Tensor& flat) {
  const auto values = unflatten(flat.reshape({1, -1}));
  torch::NoGradGuard no_grad;
  for (auto& parameter : named_parameters(/*recurse=*/false)) parameter.value().copy_(values[parameter.key()][0]);
}

ParameterBatch PolicyImpl::parameter_batch() const {
  ParameterBatch batch;
  for (const auto& parameter : named_parameters(/*recurse=*/false)) {
    batch.insert(parameter.key(), parameter.value().unsqueeze(0));
  }
  return batch;
}

torch::jit::Module PolicyImpl::to_torchscript() const {
  std::vector<std::pair<std::string, torch::Tensor>> tensors{{"normalizer_mean", normalizer_->mean},
                                                             {"normalizer_inverse_std", normalizer_->inverse_std}};
  {
    torch::NoGradGuard no_grad;
    for (const auto& entry : prepare(parameter_batch())) tensors.emplace_back(entry.key(), entry.value()[0]);
  }
  std::ostringstream clip_source;
  clip_source.precision(17);
  if (action_clip_ > 0.0) clip_source << "    actions = actions.clamp(" << -action_clip_ << ", " << action_clip_ << ")\n";
  const std::string clip = clip_source.str();
  const std::string forward_source =
      "def forward(self, observations: Tensor) -> Tensor:\n"
      "    x = observations.to(self.normalizer_mean.dtype)\n"
      "    single = x.dim() == 1\n"
      "    if single:\n"
      "        x = x.unsqueeze(0)\n" +
      normalizer_->torchscript_statements("x", "    ") +
      "    actions = self.act(x)\n" + clip +
      "    if single:\n"
      "        actions = actions.squeeze(0)\n"
      "    return actions.to(observations.dtype)\n";
  return make_script_module(export_name(), tensors, torchscript_act() + "\n" + forward_source);
}

}  // namespace diffctl
