#include "data/value/value_dataset.h"

#include "src/error.h"

namespace diffctl {

ValueDataset make_value_dataset(const std::string& domain, double reward_offset, at::Generator& generator) {
  if (domain == "chain") return chain_dataset(reward_offset, generator);
  if (domain == "four_rooms") return four_rooms_dataset(reward_offset, generator);
  if (domain == "mountain_car") return mountain_car_dataset(reward_offset, generator);
  throw InputError("domain: expected one of chain, four_rooms, mountain_car, got \"" + domain + "\"");
}

}  // namespace diffctl
