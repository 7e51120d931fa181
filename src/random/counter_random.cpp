#include "src/random/counter_random.h"

#include <cmath>

namespace diffctl {

namespace {
// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective mix of 64 bits.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
}  // namespace

uint64_t CounterRandom::next_u64() { return mix(mix(seed_) + kGolden * ++counter_); }

double CounterRandom::uniform(double low, double high) {
  // The top 53 bits as a double in [0, 1).
  const double unit = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  return low + (high - low) * unit;
}

double CounterRandom::normal() {
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform(0.0, 1.0)));  // 1 − u avoids log(0)
  return radius * std::cos(2.0 * M_PI * uniform(0.0, 1.0));
}

uint64_t derive_seed(uint64_t seed, uint64_t index) { return mix(mix(seed ^ kGolden) + index); }

}  // namespace diffctl
