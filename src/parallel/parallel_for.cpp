#include "src/parallel/parallel_for.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <dlfcn.h>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace diffctl {

void parallel_for(int64_t count, int64_t threads, const std::function<void(int64_t index, int64_t worker)>& task) {
  std::atomic<int64_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&](int64_t worker) {
    for (int64_t i = next++; i < count; i = next++) {
      try {
        task(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    }
  };
  const int64_t helpers = std::min(std::max<int64_t>(threads, 1), count) - 1;
  std::vector<std::thread> pool;
  for (int64_t t = 1; t <= helpers; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

namespace {
std::atomic<int64_t> kernel_threads{std::max<int64_t>(1, std::thread::hardware_concurrency())};
}  // namespace

int64_t compute_threads() { return kernel_threads.load(); }

void set_compute_threads(int64_t threads) {
  kernel_threads = std::max<int64_t>(threads, 1);
  at::set_num_threads(static_cast<int>(kernel_threads));
  // OpenBLAS (Debian's fast BLAS alternative) keeps a thread pool of its own: left at the
  // machine's cores it spins beside LibTorch's threads (twice the time of one thread).
  if (auto set_threads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_threads(static_cast<int>(kernel_threads));
  }
}

}  // namespace diffctl
