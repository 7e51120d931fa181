#pragma once

#include <chrono>
#include <functional>

namespace diffctl::bench {

// Seconds per call of `call`, averaged over as many calls as fit in `budget_s` after one
// warm-up call.
inline double seconds_per_call(const std::function<void()>& call, double budget_s = 0.5) {
  call();
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  do {
    call();
    ++calls;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < budget_s);
  return elapsed / calls;
}

}  // namespace diffctl::bench
