#include "data/value/value_dataset.h"

#include "src/error.h"

#include <torch/torch.h>

namespace diffctl {

ValueDataset make_value_dataset(const ValueDomainOptions& options, at::Generator& generator) {
  if (options.domain == "chain") return chain_dataset(options.reward_offset, generator);
  if (options.domain == "four_rooms") {
    return four_rooms_dataset(options.reward_offset, options.four_rooms_states, generator);
  }
  if (options.domain == "mountain_car") return mountain_car_dataset(options.reward_offset, generator);
  throw InputError("domain: expected one of chain, four_rooms, mountain_car, got \"" + options.domain + "\"");
}

ValueDataset with_distinct_train_states(ValueDataset data) {
  const auto [states, index, counts] =
      torch::unique_dim(data.train_features, 0, /*sorted=*/true, /*return_inverse=*/true, /*return_counts=*/true);
  const torch::Tensor sums = torch::zeros({states.size(0)}, data.train_targets.options())
                                 .index_add_(0, index, data.train_targets);
  data.train_features = states;
  data.train_targets = sums / counts.to(sums.scalar_type());
  return data;
}

}  // namespace diffctl
