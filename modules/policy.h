#pragma once

#include "modules/observation_normalizer.h"
#include "src/manifold/manifold.h"
#include "src/manifold/parameter_layout.h"

#include <torch/nn/module.h>
#include <torch/ordered_dict.h>
#include <torch/script.h>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace diffctl {

// Values for a policy's parameters, by name, each with a leading dimension K: K copies
// of the policy (K perturbations for a zeroth-order estimate, or K trials) evaluated in
// one call.
using ParameterBatch = torch::OrderedDict<std::string, torch::Tensor>;

// A policy maps raw observations to actions. It owns its observation normaliser, declares
// the manifold of each of its parameters, and exports itself to TorchScript.
//
// A concrete policy registers its parameters with register_policy_parameter() (directly,
// not in submodules: K copies of them are evaluated by act()) and implements act() on
// normalised observations plus its TorchScript twin. forward() and forward_batched()
// normalise and call act(), so the C++ module, the batched rollouts and the exported
// module compute the same function.
class PolicyImpl : public torch::nn::Module {
 public:
  PolicyImpl(int64_t observation_size, int64_t action_size,
             const ObservationNormalizerOptions& normalizer_options);

  // Raw observations (obs) or (B, obs), float32 or float64 -> actions (act) or (B, act) in
  // the observations' dtype; computed in the parameters' dtype.
  torch::Tensor forward(const torch::Tensor& observations);
  // K copies at once: raw observations (K, B, obs) in the parameters' dtype -> (K, B, act).
  torch::Tensor forward_batched(const ParameterBatch& parameters, const torch::Tensor& observations) const;
  // The parameters extended with what depends on them alone (an ODE policy's weight flow),
  // so that loops evaluating the same parameters at every step (rollouts) compute it once:
  // prepare, then call forward_prepared. Derived entries keep the leading K dimension.
  ParameterBatch prepare(const ParameterBatch& parameters) const { return derive(parameters); }
  torch::Tensor forward_prepared(const ParameterBatch& prepared, const torch::Tensor& observations) const;
  // How many episodes a rollout should step in lockstep per batched call: enough to
  // amortise the call's fixed cost (LibTorch dispatches each op in about a microsecond),
  // few enough that threads share the episodes evenly and that calls stop early when
  // episodes terminate at different times.
  virtual int64_t lockstep_episodes() const { return 32; }

  int64_t observation_size() const { return observation_size_; }
  int64_t action_size() const { return action_size_; }
  // Actions clamped to [−bound, bound] (0: unclamped, the default), in forward, the batched
  // calls and the export: a policy whose output scale it cannot shrink (the ODEtoODE
  // policies' orthonormal frames) then stays within the actuators' range, so that a task
  // charging the raw action (Gym's control costs) does not charge what the motors clip.
  void set_action_clip(double bound);
  double action_clip() const { return action_clip_; }
  ObservationNormalizer& normalizer() { return normalizer_; }
  const ObservationNormalizer& normalizer() const { return normalizer_; }
  Manifold manifold_of(const std::string& parameter_name) const;

  // The parameters as one detached vector (D), in registration order, and back: a batch
  // of flat vectors (K, D) as a ParameterBatch.
  int64_t parameter_count() const;
  torch::Tensor flat_parameters() const;
  ParameterBatch unflatten(const torch::Tensor& flat) const;
  // The flat layout of the parameters with their manifolds, for the zeroth-order engine.
  ParameterLayout parameter_layout() const;
  // Overwrites the parameters from a flat vector (D).
  void set_flat_parameters(const torch::Tensor& flat);
  // The current parameters as a batch of one (differentiable).
  ParameterBatch parameter_batch() const;

  // A TorchScript module with the same forward() contract (obs or (B, obs), float32 or
  // float64 in, same shape and dtype out), normaliser included. Loads with
  // torch::jit::load and Python's torch.jit.load.
  torch::jit::Module to_torchscript() const;

 protected:
  torch::Tensor register_policy_parameter(const std::string& name, torch::Tensor value, Manifold manifold);

  // Adds the entries act() derives from the parameters alone; none by default.
  virtual ParameterBatch derive(const ParameterBatch& parameters) const { return parameters; }
  // Normalised observations (K, B, obs) -> actions (K, B, act) with K prepared copies.
  virtual torch::Tensor act(const ParameterBatch& prepared, const torch::Tensor& observations) const = 0;
  // TorchScript of `def act(self, x: Tensor) -> Tensor` on normalised (B, obs), reading
  // the prepared entries as self.<name> (without the K dimension).
  virtual std::string torchscript_act() const = 0;
  // The module name in the exported file (__torch__.diffctl.<name>).
  virtual std::string export_name() const = 0;

 private:
  int64_t observation_size_;
  int64_t action_size_;
  ObservationNormalizer normalizer_;
  std::map<std::string, Manifold> manifolds_;
  double action_clip_ = 0.0;
};

}  // namespace diffctl
