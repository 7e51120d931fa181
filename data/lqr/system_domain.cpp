#include "data/lqr/system_domain.h"

#include "src/config/config_reader.h"
#include "src/error.h"

namespace diffctl {

LqrSystems SingleSystemDomain::sample(int64_t count, at::Generator&,
                                      const torch::TensorOptions& options) const {
  return nominal(options).repeat_each(count);
}

LqrSystems SingleSystemDomain::nominal(const torch::TensorOptions& options) const {
  return instance_.system.to(options);
}

namespace {
torch::Tensor read_matrix(ConfigReader& reader, const std::string& key, const torch::Tensor& default_value) {
  const auto matrix = json_to_matrix(reader.value(key, matrix_to_json(default_value)), reader.path_of(key));
  if (matrix.sizes() != default_value.sizes()) {
    throw InputError(reader.path_of(key) + ": expected a " + std::to_string(default_value.size(0)) +
                     "x" + std::to_string(default_value.size(1)) + " matrix");
  }
  return matrix;
}
}  // namespace

CartPoleDomainOptions CartPoleDomainOptions::from_config(ConfigReader& reader) {
  CartPoleDomainOptions o;
  o.physics = CartPoleParameters::from_config(reader);
  o.pole_length_min = reader.number("pole_length_min", o.pole_length_min, 0, true);
  o.pole_length_max = reader.number("pole_length_max", o.pole_length_max, o.pole_length_min);
  o.dt = reader.number("dt", o.dt, 0, true);
  o.Q = read_matrix(reader, "Q", o.Q);
  o.R = read_matrix(reader, "R", o.R);
  o.Sigma = read_matrix(reader, "Sigma", o.Sigma);
  require_symmetric_psd(o.Q, false, reader.path_of("Q"));
  require_symmetric_psd(o.R, true, reader.path_of("R"));
  require_symmetric_psd(o.Sigma, false, reader.path_of("Sigma"));
  return o;
}

LqrSystems CartPoleDomain::systems_for_lengths(const torch::Tensor& pole_lengths) const {
  const auto continuous = linearize_cartpole_upright(pole_lengths, options_.physics);
  const auto discrete = discretize_zero_order_hold(continuous, options_.dt);
  const int64_t count = pole_lengths.size(0);
  const auto like = pole_lengths.options();
  return {discrete.A, discrete.B, options_.Q.to(like).expand({count, 4, 4}).contiguous(),
          options_.R.to(like).expand({count, 1, 1}).contiguous(),
          options_.Sigma.to(like).expand({count, 4, 4}).contiguous()};
}

LqrSystems CartPoleDomain::sample(int64_t count, at::Generator& generator,
                                  const torch::TensorOptions& options) const {
  const auto uniform = torch::rand({count}, generator, torch::kFloat64);
  const auto lengths =
      options_.pole_length_min + (options_.pole_length_max - options_.pole_length_min) * uniform;
  return systems_for_lengths(lengths.to(options));
}

LqrSystems CartPoleDomain::nominal(const torch::TensorOptions& options) const {
  const double centre = 0.5 * (options_.pole_length_min + options_.pole_length_max);
  return systems_for_lengths(torch::full({1}, centre, options));
}

}  // namespace diffctl
