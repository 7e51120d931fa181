// Time of one DR-LQR SGD step (cost and gradient of the mean cost over M cart-poles) with
// the tensor Lyapunov layer's two solvers — LibTorch's batched LU (one LAPACK call per
// system) and the small CPU kernel (the default on the CPU) — and the Eigen reference
// solved system by system (Smith doubling + closed-form gradient), all measured in the same
// run; M = 8000 is one step of the 1000-trial study. Then one evaluation of that study
// (the cost of one gain on 2,000 systems, no gradient, times 1,000 trials). Prints ratios
// against the batched LU; exits non-zero only if the gradients disagree.
#include "data/lqr/system_domain.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/discrete_lyapunov.h"
#include "src/lqr/reference_lqr.h"
#include "src/seeding.h"
#include "timing.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

namespace {


}  // namespace

int main() {
  using namespace diffctl;
  torch::set_num_threads(1);  // LibTorch's ops on one core; the small kernel uses compute_threads()
  const CartPoleDomain domain({});
  auto generator = make_generator(0);
  // A gain that stabilises the whole domain (annealed in the trainers; here the Riccati
  // gain of the longest pole, which stabilises all lengths in [0.2, 0.8] for this model).
  const auto nominal = domain.systems_for_lengths(torch::tensor({0.8}, torch::kFloat64));
  const auto P = reference::solve_dare(to_eigen(nominal.A[0]), to_eigen(nominal.B[0]), to_eigen(nominal.Q[0]),
                                       to_eigen(nominal.R[0]));
  const auto gain = to_tensor(reference::riccati_gain(to_eigen(nominal.A[0]), to_eigen(nominal.B[0]),
                                                      to_eigen(nominal.R[0]), P));

  std::printf("%6s %14s %14s %14s %14s %14s\n", "M", "batched LU", "small kernel", "eigen", "kernel ratio",
              "eigen ratio");
  std::printf("%6s %14s %14s %14s %14s %14s\n", "", "[ms]", "[ms]", "[ms]", "", "");
  bool agree = true;
  for (int64_t M : {8, 64, 512, 8000}) {
    const auto systems = domain.sample(M, generator, torch::kFloat64);
    auto step_with = [&](LyapunovSolver solver, torch::Tensor& gradient) {
      return bench::seconds_per_call([&] {
        const auto K = gain.clone().requires_grad_(true);
        const auto gains = K.unsqueeze(0).expand({M, 1, 4});
        const auto closed_loop = systems.A - systems.B.matmul(gains);
        const auto stage = systems.Q + gains.transpose(-1, -2).matmul(systems.R).matmul(gains);
        const auto P = solve_discrete_lyapunov(closed_loop, stage, solver).P;
        (P * systems.Sigma).sum().div(M).backward();
        gradient = K.grad();
      });
    };
    torch::Tensor lu_gradient, kernel_gradient;
    const double lu_s = step_with(LyapunovSolver::batched_lu, lu_gradient);
    const double kernel_s = step_with(LyapunovSolver::small_kernel, kernel_gradient);
    std::vector<Eigen::MatrixXd> A, B, Q, R, Sigma;
    for (int64_t i = 0; i < M; ++i) {
      A.push_back(to_eigen(systems.A[i]));
      B.push_back(to_eigen(systems.B[i]));
      Q.push_back(to_eigen(systems.Q[i]));
      R.push_back(to_eigen(systems.R[i]));
      Sigma.push_back(to_eigen(systems.Sigma[i]));
    }
    const Eigen::MatrixXd K = to_eigen(gain);
    Eigen::MatrixXd reference_gradient;
    const double eigen_s = bench::seconds_per_call([&] {
      reference_gradient = Eigen::MatrixXd::Zero(K.rows(), K.cols());
      for (int64_t i = 0; i < M; ++i) {
        reference_gradient += reference::lqr_cost_and_gradient(A[i], B[i], Q[i], R[i], Sigma[i], K).gradient;
      }
      reference_gradient /= static_cast<double>(M);
    });
    double difference = 0.0;
    for (const auto& gradient : {lu_gradient, kernel_gradient}) {
      difference = std::max(difference, (to_eigen(gradient) - reference_gradient).norm() / reference_gradient.norm());
    }
    agree = agree && difference < 1e-6;
    std::printf("%6lld %14.3f %14.3f %14.3f %13.2fx %13.2fx   (largest relative gradient difference %.1e)\n",
                static_cast<long long>(M), 1e3 * lu_s, 1e3 * kernel_s, 1e3 * eigen_s, lu_s / kernel_s, lu_s / eigen_s,
                difference);
  }

  // The study's evaluation: 1,000 trials' gains, each costed on the 2,000 evaluation systems.
  const auto evaluation = domain.sample(2000, generator, torch::kFloat64);
  auto evaluate_with = [&](LyapunovSolver solver) {
    torch::NoGradGuard no_grad;
    const auto gains = gain.unsqueeze(0).expand({evaluation.size(), 1, 4});
    const auto closed_loop = evaluation.A - evaluation.B.matmul(gains);
    const auto stage = evaluation.Q + gains.transpose(-1, -2).matmul(evaluation.R).matmul(gains);
    return bench::seconds_per_call([&] { solve_discrete_lyapunov(closed_loop, stage, solver); });
  };
  const double lu_eval_s = 1000 * evaluate_with(LyapunovSolver::batched_lu);
  const double kernel_eval_s = 1000 * evaluate_with(LyapunovSolver::small_kernel);
  std::printf("\none evaluation of the 1000-trial study (2,000 systems x 1,000 gains): batched LU %.2f s, "
              "small kernel %.2f s, ratio %.2fx\n",
              lu_eval_s, kernel_eval_s, lu_eval_s / kernel_eval_s);
  return agree ? 0 : 1;
}
