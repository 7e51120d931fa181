#pragma once

#include <cstdint>

namespace diffctl {

// A counter-based stream (SplitMix64): the n-th number depends only on (seed, n), so the
// episode or perturbation with index n gets the same randomness whichever thread, and in
// whichever order, draws it.
class CounterRandom {
 public:
  explicit CounterRandom(uint64_t seed, uint64_t counter = 0) : seed_(seed), counter_(counter) {}

  uint64_t next_u64();
  // Uniform in [low, high).
  double uniform(double low, double high);
  // Standard normal (Box–Muller on two uniforms).
  double normal();

 private:
  uint64_t seed_;
  uint64_t counter_;
};

// A seed for item `index` of the stream `seed`: independent-looking for neighbouring
// indices and seeds.
uint64_t derive_seed(uint64_t seed, uint64_t index);

}  // namespace diffctl
