// Time of one DR-LQR SGD step (cost and gradient of the mean cost over M cart-poles):
// the batched tensor Lyapunov layer against the Eigen reference solved system by system
// (Smith doubling + closed-form gradient), measured in the same run. Prints the ratio;
// exits non-zero only if the two gradients disagree.
#include "data/lqr/system_domain.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/reference_lqr.h"
#include "src/seeding.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <functional>

namespace {

double seconds_per_call(const std::function<void()>& call, double budget_s = 0.5) {
  call();  // warm-up
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

}  // namespace

int main() {
  using namespace diffctl;
  torch::set_num_threads(1);  // one core for both, a like-for-like comparison
  const CartPoleDomain domain({});
  auto generator = make_generator(0);
  // A gain that stabilises the whole domain (annealed in the trainers; here the Riccati
  // gain of the longest pole, which stabilises all lengths in [0.2, 0.8] for this model).
  const auto nominal = domain.systems_for_lengths(torch::tensor({0.8}, torch::kFloat64));
  const auto P = reference::solve_dare(to_eigen(nominal.A[0]), to_eigen(nominal.B[0]), to_eigen(nominal.Q[0]),
                                       to_eigen(nominal.R[0]));
  const auto gain = to_tensor(reference::riccati_gain(to_eigen(nominal.A[0]), to_eigen(nominal.B[0]),
                                                      to_eigen(nominal.R[0]), P));

  std::printf("%6s %16s %16s %10s\n", "M", "tensor [ms]", "eigen [ms]", "speedup");
  bool agree = true;
  for (int64_t M : {8, 64, 512}) {
    const auto systems = domain.sample(M, generator, torch::kFloat64);
    torch::Tensor tensor_gradient;
    const double tensor_s = seconds_per_call([&] {
      const auto K = gain.clone().requires_grad_(true);
      lqr_cost(systems, K).cost.mean().backward();
      tensor_gradient = K.grad();
    });
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
    const double eigen_s = seconds_per_call([&] {
      reference_gradient = Eigen::MatrixXd::Zero(K.rows(), K.cols());
      for (int64_t i = 0; i < M; ++i) {
        reference_gradient += reference::lqr_cost_and_gradient(A[i], B[i], Q[i], R[i], Sigma[i], K).gradient;
      }
      reference_gradient /= static_cast<double>(M);
    });
    const double difference = (to_eigen(tensor_gradient) - reference_gradient).norm() / reference_gradient.norm();
    agree = agree && difference < 1e-6;
    std::printf("%6lld %16.3f %16.3f %9.2fx   (relative gradient difference %.1e)\n", static_cast<long long>(M),
                1e3 * tensor_s, 1e3 * eigen_s, eigen_s / tensor_s, difference);
  }
  return agree ? 0 : 1;
}
