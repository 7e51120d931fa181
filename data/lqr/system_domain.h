#pragma once

#include "data/envs/cartpole.h"
#include "data/lqr/lqr_instance.h"
#include "src/lqr/lqr_systems.h"

#include <ATen/core/Generator.h>

#include <memory>
#include <string>

namespace diffctl {

class ConfigReader;

// Where an LQR trainer's systems come from: one fixed instance, or a distribution of
// systems to sample (domain randomization). Systems come in the given tensor options.
class SystemDomain {
 public:
  virtual ~SystemDomain() = default;
  virtual LqrSystems sample(int64_t count, at::Generator& generator,
                            const torch::TensorOptions& options) const = 0;
  // The centre of the domain (the instance itself for a single system).
  virtual LqrSystems nominal(const torch::TensorOptions& options) const = 0;
  virtual bool randomized() const = 0;
};

class SingleSystemDomain : public SystemDomain {
 public:
  explicit SingleSystemDomain(LqrInstance instance) : instance_(std::move(instance)) {}
  LqrSystems sample(int64_t count, at::Generator& generator,
                    const torch::TensorOptions& options) const override;
  LqrSystems nominal(const torch::TensorOptions& options) const override;
  bool randomized() const override { return false; }

 private:
  LqrInstance instance_;
};

struct CartPoleDomainOptions {
  CartPoleParameters physics;
  double pole_length_min = 0.2;
  double pole_length_max = 0.8;
  double dt = 0.02;
  torch::Tensor Q = torch::eye(4, torch::kFloat64);
  torch::Tensor R = torch::eye(1, torch::kFloat64);
  torch::Tensor Sigma = torch::eye(4, torch::kFloat64);  // process-noise covariance Σ_w

  // Reads the `cartpole` config section (every field above; matrices as nested lists).
  static CartPoleDomainOptions from_config(ConfigReader& reader);
};

// Linearised, zero-order-hold discretised cart-poles with ℓ ~ U[pole_length_min, max].
class CartPoleDomain : public SystemDomain {
 public:
  explicit CartPoleDomain(CartPoleDomainOptions options) : options_(std::move(options)) {}
  LqrSystems sample(int64_t count, at::Generator& generator,
                    const torch::TensorOptions& options) const override;
  LqrSystems nominal(const torch::TensorOptions& options) const override;
  bool randomized() const override { return true; }
  LqrSystems systems_for_lengths(const torch::Tensor& pole_lengths) const;

 private:
  CartPoleDomainOptions options_;
};

}  // namespace diffctl
