#pragma once

#include <cstdint>
#include <functional>

namespace diffctl {

// Runs task(i, worker) for i in [0, count) on `threads` threads (the calling thread is
// worker 0; workers are numbered 0..threads−1), handing out indices in order. The first exception stops the remaining tasks and is
// rethrown as it was thrown (an InputError stays an InputError).
void parallel_for(int64_t count, int64_t threads, const std::function<void(int64_t index, int64_t worker)>& task);

// `threads` LibTorch intra-op threads, OpenBLAS threads and threads for diffctl's own
// data-parallel kernels, for this process. Callers that run their own worker threads set 1,
// which keeps the workers from competing for the cores.
void set_compute_threads(int64_t threads);

// Threads diffctl's own data-parallel kernels (e.g. the small Lyapunov kernel) may use: the
// machine's hardware threads, or what set_compute_threads last set. (LibTorch's
// inline at::parallel_for runs serially in code built without OpenMP, so those kernels
// use parallel_for above.)
int64_t compute_threads();

}  // namespace diffctl
