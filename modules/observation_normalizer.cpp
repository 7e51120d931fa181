#include "modules/observation_normalizer.h"

#include "src/error.h"

#include <cmath>
#include <sstream>

namespace diffctl {

ObservationNormalizerImpl::ObservationNormalizerImpl(const ObservationNormalizerOptions& options_)
    : options(options_) {
  if (options.observation_size() < 1) throw InputError("observation_size: expected an integer >= 1");
  if (!(options.clip() >= 0.0)) throw InputError("normalizer clip: expected a number >= 0");
  const auto float64 = torch::TensorOptions().dtype(torch::kFloat64);
  count = register_buffer("count", torch::zeros({}, float64));
  mean = register_buffer("mean", torch::zeros({options.observation_size()}, float64));
  squared_deviations = register_buffer("squared_deviations", torch::zeros({options.observation_size()}, float64));
  inverse_std = register_buffer("inverse_std", torch::ones({options.observation_size()}, float64));
}

torch::Tensor ObservationNormalizerImpl::forward(const torch::Tensor& observations) const {
  auto normalized = (observations - mean) * inverse_std;
  if (options.clip() > 0.0) normalized = normalized.clamp(-options.clip(), options.clip());
  return normalized;
}

namespace {
std::vector<double> to_vector(const torch::Tensor& tensor) {
  const auto values = tensor.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}
}  // namespace

RunningMoments ObservationNormalizerImpl::moments() const {
  return RunningMoments(count.item<double>(), to_vector(mean), to_vector(squared_deviations));
}

void ObservationNormalizerImpl::merge(const RunningMoments& moments_) {
  RunningMoments merged = moments();
  merged.merge(checked(moments_));
  restore(merged);
}

const RunningMoments& ObservationNormalizerImpl::checked(const RunningMoments& moments_) const {
  if (moments_.size() != options.observation_size()) {
    throw Error("ObservationNormalizer: statistics of " + std::to_string(moments_.size()) +
                " components for observations of " + std::to_string(options.observation_size()));
  }
  return moments_;
}

void ObservationNormalizerImpl::restore(const RunningMoments& moments_) {
  checked(moments_);
  std::vector<double> inverse(moments_.mean().size());
  const auto variance = moments_.variance();
  for (size_t i = 0; i < inverse.size(); ++i) {
    const double std = std::sqrt(variance[i]);
    inverse[i] = std < options.min_std() ? 1.0 : 1.0 / std;
  }
  torch::NoGradGuard no_grad;
  auto copy = [](torch::Tensor& buffer, const std::vector<double>& values) {
    buffer.copy_(torch::tensor(values, torch::kFloat64).view(buffer.sizes()));
  };
  copy(count, {moments_.count()});
  copy(mean, moments_.mean());
  copy(squared_deviations, moments_.squared_deviations());
  copy(inverse_std, inverse);
}

std::string ObservationNormalizerImpl::torchscript_statements(const std::string& variable,
                                                               const std::string& indent) const {
  std::ostringstream source;
  source.precision(17);
  source << indent << variable << " = (" << variable << " - self.normalizer_mean) * self.normalizer_inverse_std\n";
  if (options.clip() > 0.0) {
    source << indent << variable << " = torch.clamp(" << variable << ", " << -options.clip() << ", "
           << options.clip() << ")\n";
  }
  return source.str();
}

}  // namespace diffctl
