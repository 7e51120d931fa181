#include "src/error.h"
#include "src/parallel/parallel_for.h"
#include "src/random/counter_random.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <vector>

namespace diffctl {
namespace {

TEST(ParallelFor, RunsEveryIndexOnceOnAnyNumberOfThreadsAndNamesWorkersInRange) {
  for (const int64_t threads : {1, 2, 3, 8}) {
    std::vector<std::atomic<int>> runs(100);
    std::atomic<int64_t> largest_worker{0};
    parallel_for(100, threads, [&](int64_t index, int64_t worker) {
      ++runs[index];
      int64_t seen = largest_worker.load();
      while (worker > seen && !largest_worker.compare_exchange_weak(seen, worker)) {
      }
    });
    for (const auto& count : runs) EXPECT_EQ(count.load(), 1) << threads << " threads";
    EXPECT_LT(largest_worker.load(), threads);
  }
}

// A worker's InputError reaches the caller as an InputError (exit code 2, not 1).
TEST(ParallelFor, RethrowsTheFirstErrorAsItWasThrown) {
  EXPECT_THROW(parallel_for(50, 2,
                            [](int64_t index, int64_t) {
                              if (index == 7) throw InputError("config 7: bad key");
                            }),
               InputError);
  try {
    parallel_for(10, 3, [](int64_t index, int64_t) {
      if (index == 4) throw Error("run 4 failed");
    });
    FAIL() << "no exception";
  } catch (const InputError&) {
    FAIL() << "an Error became an InputError";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "run 4 failed");
  }
}

TEST(CounterRandom, DependsOnlyOnSeedAndCounterAndIsUniform) {
  CounterRandom a(3), b(3), c(4);
  double total = 0.0;
  for (int i = 0; i < 10000; ++i) {
    const double x = a.uniform(-1.0, 1.0);
    ASSERT_EQ(x, b.uniform(-1.0, 1.0));
    ASSERT_GE(x, -1.0);
    ASSERT_LT(x, 1.0);
    total += x;
  }
  EXPECT_NEAR(total / 10000, 0.0, 0.03);  // 5 standard errors of U[−1, 1]'s mean
  EXPECT_NE(CounterRandom(3).next_u64(), c.next_u64());
  std::set<uint64_t> seeds;
  for (uint64_t index = 0; index < 1000; ++index) seeds.insert(derive_seed(11, index));
  EXPECT_EQ(seeds.size(), 1000u);
}

}  // namespace
}  // namespace diffctl
