// Forward+backward time and peak memory of the differentiable LCP (lcp::solve, implicit
// backward) over batch B ∈ {1, 64, 256, 1024, 4096} × size n ∈ {2, 8, 16, 32}, against
//   (a) autograd unrolled through the same solver's iterations (lcp::solve_unrolled),
//   (b) the Eigen Lemke reference solved problem by problem (forward only: it has no
//       gradient),
//   (c) the same implicit layer forced onto the batched tensor path (n ≤ 8, where the
//       fused small-problem path runs by default): "fused x" is its time over the default's,
// all measured in the same run, printed as ratios. Also prints backward/forward of the
// implicit layer (the backward should cost no more than one forward pass).
// Peak memory: the rise of the process's resident high-water mark (VmHWM, reset through
// /proc/self/clear_refs) during one extra forward+backward, untimed, with glibc serving
// every block over 16 KiB by mmap so that freed tensors leave the resident set at once.
// Exits non-zero only if the implicit and unrolled gradients or the solvers disagree.
//   bench_lcp_layer [--quick] [--mu M]
#include "data/lcs/random_lcp.h"
#include "src/lcp/interior_point.h"
#include "src/lcp/reference_lcp.h"
#include "src/lcp/small_problem_interior_point.h"
#include "src/linalg/eigen_conversion.h"
#include "src/seeding.h"
#include "timing.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <malloc.h>
#include <string>

namespace {

using namespace diffctl;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}


long status_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// MiB the resident set rises above its level before `call`; −1 where Linux cannot say.
double peak_memory_mib(const std::function<void()>& call) {
  // Afterwards: glibc's dynamic threshold at its ceiling (32 MiB on 64-bit), the state it
  // reaches by itself once large blocks have been freed, so the timings see a warm heap.
  constexpr int kSteadyMmapThreshold = 32 * 1024 * 1024;
  mallopt(M_MMAP_THRESHOLD, 16 * 1024);
  malloc_trim(0);
  std::ofstream reset("/proc/self/clear_refs");
  reset << "5";  // resets VmHWM to the current RSS
  reset.close();
  const long before = status_kib("VmRSS");
  call();
  const long peak = status_kib("VmHWM");
  mallopt(M_MMAP_THRESHOLD, kSteadyMmapThreshold);
  return !reset || before < 0 || peak < 0 ? -1.0 : (peak - before) / 1024.0;
}

struct Measurement {
  double forward_s = 0.0;   // per call, recording what the backward needs
  double backward_s = 0.0;  // per call
  double memory_mib = 0.0;
  std::vector<torch::Tensor> gradients;
};

Measurement measure(const LcpBatch& problems, const torch::Tensor& mu, bool unrolled, double budget_s,
                    const lcp::SolverOptions& options = {}) {
  const auto weights = torch::linspace(-1.0, 1.0, problems.q.size(1), torch::kFloat64);
  Measurement result;
  auto run = [&](double* forward_s, double* backward_s) {
    const auto F = problems.F.clone().requires_grad_();
    const auto q = problems.q.clone().requires_grad_();
    auto start = std::chrono::steady_clock::now();
    const auto solution = unrolled ? lcp::solve_unrolled(F, q, mu, options) : lcp::solve(F, q, mu, options);
    if (forward_s) *forward_s += seconds_since(start);
    start = std::chrono::steady_clock::now();
    result.gradients = torch::autograd::grad({(solution.lambda * weights).sum()}, {F, q});
    if (backward_s) *backward_s += seconds_since(start);
  };
  run(nullptr, nullptr);  // warm-up
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  do {
    run(&result.forward_s, &result.backward_s);
    ++calls;
  } while (seconds_since(start) < budget_s);
  result.forward_s /= calls;
  result.backward_s /= calls;
  result.memory_mib = peak_memory_mib([&] { run(nullptr, nullptr); });
  return result;
}

double relative_gap(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max().clamp_min(1e-12)).item<double>();
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  double mu_value = 0.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--mu") == 0 && i + 1 < argc) {
      mu_value = std::stod(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench_lcp_layer [--quick] [--mu M]\n");
      return 2;
    }
  }
  const std::vector<int64_t> batches = quick ? std::vector<int64_t>{1, 64} : std::vector<int64_t>{1, 64, 256, 1024, 4096};
  const std::vector<int64_t> sizes = quick ? std::vector<int64_t>{2, 8} : std::vector<int64_t>{2, 8, 16, 32};
  const double budget_s = quick ? 0.05 : 0.3;
  std::printf("LCP forward+backward, mu = %g, float64, %d threads; times per call, memory = peak RSS rise\n",
              mu_value, torch::get_num_threads());
  std::printf("%5s %3s | %10s %10s %8s %8s | %10s %8s | %10s %8s %8s %8s | %10s %8s | %9s %9s\n", "B", "n",
              "impl fwd", "impl bwd", "bwd/fwd", "mem MiB", "tensor f+b", "fused x", "unrl f+b", "mem MiB", "time x",
              "mem x", "lemke fwd", "x fwd", "grad gap", "lam gap");
  bool agree = true;
  auto generator = make_generator(0);
  for (int64_t n : sizes) {
    for (int64_t batch : batches) {
      const LcpBatch problems = random_p_matrix_lcps(batch, n, generator);
      const auto mu = torch::full({}, mu_value, torch::kFloat64);
      const Measurement implicit = measure(problems, mu, false, budget_s);
      const Measurement unrolled = measure(problems, mu, true, budget_s);
      lcp::SolverOptions tensor_path;
      tensor_path.fused_small_problems = false;
      const bool fused = n <= lcp::kSmallProblemMaxSize;
      const Measurement tensor = fused ? measure(problems, mu, false, budget_s, tensor_path) : implicit;

      std::vector<Eigen::MatrixXd> F;
      std::vector<Eigen::VectorXd> q;
      for (int64_t b = 0; b < batch; ++b) {
        F.push_back(to_eigen(problems.F[b]));
        q.push_back(to_eigen(problems.q[b].unsqueeze(-1)));
      }
      std::vector<Eigen::VectorXd> lemke(batch);
      const double lemke_s = bench::seconds_per_call([&] {
        for (int64_t b = 0; b < batch; ++b) lemke[b] = lcp::solve_lemke(F[b], q[b]).lambda;
      }, budget_s);
      double lambda_gap = 0.0;
      if (mu_value == 0.0) {
        const auto lambda = lcp::solve(problems.F, problems.q).lambda;
        for (int64_t b = 0; b < batch; ++b) {
          const Eigen::VectorXd mine = to_eigen(lambda[b].unsqueeze(-1));
          lambda_gap = std::max(lambda_gap, (mine - lemke[b]).cwiseAbs().maxCoeff() /
                                                std::max(1.0, lemke[b].cwiseAbs().maxCoeff()));
        }
      }
      const double gradient_gap = std::max({relative_gap(implicit.gradients[0], unrolled.gradients[0]),
                                            relative_gap(implicit.gradients[1], unrolled.gradients[1]),
                                            relative_gap(tensor.gradients[0], unrolled.gradients[0]),
                                            relative_gap(tensor.gradients[1], unrolled.gradients[1])});
      agree = agree && gradient_gap < 1e-5 && lambda_gap < 1e-8;
      const double implicit_s = implicit.forward_s + implicit.backward_s;
      const double unrolled_s = unrolled.forward_s + unrolled.backward_s;
      const double tensor_s = tensor.forward_s + tensor.backward_s;
      std::printf("%5ld %3ld | %8.3fms %8.3fms %8.2f %8.1f | %8.3fms %8.2f | %8.3fms %8.1f %8.2f %8.2f | %8.3fms %8.2f | "
                  "%9.1e %9.1e\n",
                  static_cast<long>(batch), static_cast<long>(n), 1e3 * implicit.forward_s, 1e3 * implicit.backward_s,
                  implicit.backward_s / implicit.forward_s, implicit.memory_mib, 1e3 * tensor_s,
                  fused ? tensor_s / implicit_s : 1.0, 1e3 * unrolled_s,
                  unrolled.memory_mib, unrolled_s / implicit_s,
                  implicit.memory_mib > 0 ? unrolled.memory_mib / implicit.memory_mib : 0.0, 1e3 * lemke_s,
                  lemke_s / implicit.forward_s, gradient_gap, lambda_gap);
      std::fflush(stdout);
    }
  }
  std::printf("fused x: the tensor path's forward+backward over the default's (fused for n <= %ld; 1.00 above);\n"
              "time x / mem x: unrolled over implicit forward+backward; x fwd: Lemke problem by problem over\n"
              "the batched forward. mem: peak resident rise of one forward+backward (0.0: under ~0.1 MiB)\n",
              static_cast<long>(lcp::kSmallProblemMaxSize));
  if (!agree) std::printf("DISAGREEMENT: implicit vs unrolled gradients or interior point vs Lemke\n");
  return agree ? 0 : 1;
}
