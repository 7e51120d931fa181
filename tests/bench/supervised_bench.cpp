// Training speed of the image classifiers (ode-to-ode.md section 5.2) at width 128, batch
// 128, float32, one thread: images/s of a whole step (forward, backward, Riemannian Adam
// update) per Table 1 model; for gated ODEtoODE-10 at η = 0.04 and 0.01 the share of the
// step spent in the orthogonal flow's exponentials, the same exponentials by
// torch::linalg::matrix_exp (the baseline for taylor_matrix_exp), and the same model written
// the way a PyTorch user would in Python (tests/bench/gated_odetoode_python.py:
// torch.matrix_exp in a loop, autograd), all measured in this run. Prints ratios; asserts
// no timing, only that the two exponentials agree.
//   bench_supervised [--quick]     (--quick: ODEtoODE-10 at η = 0.04 and fewer repetitions;
//                                   run from the repository root for the Python baseline)
#include "modules/gate_networks.h"
#include "modules/hidden_flow_registry.h"
#include "modules/image_classifier.h"
#include "modules/ode_to_ode_flow.h"
#include "src/linalg/taylor_matrix_exp.h"
#include "src/manifold/riemannian_optimizer.h"
#include "src/parallel/parallel_for.h"
#include "src/seeding.h"
#include "timing.h"

#include <torch/linalg.h>
#include <torch/nn/functional/loss.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

using namespace diffctl;
constexpr int64_t kWidth = 128, kBatch = 128;

struct Model {
  std::string name, flow;
  nlohmann::json options;
};

ImageClassifier make_classifier(const Model& model) {
  const at::Generator generator = make_generator(0);
  auto flow = make_hidden_flow(model.flow, model.options, kWidth, generator);
  ImageClassifier classifier(ImageClassifierOptions().width(kWidth), flow, generator);
  classifier->to(torch::kFloat32);
  return classifier;
}

// Images per second of whole training steps on one random minibatch.
double training_images_per_s(ImageClassifier& classifier, double budget_s) {
  RiemannianOptimizerOptions options;
  options.kind = RiemannianOptimizerKind::adam;
  RiemannianOptimizer optimizer(classifier->manifold_parameters(), options);
  at::Generator generator = make_generator(1);
  const auto images = torch::rand({kBatch, 28, 28}, generator, torch::kFloat32);
  const auto labels = torch::randint(0, 10, {kBatch}, generator, torch::kInt64);
  const double seconds = bench::seconds_per_call(
      [&] {
        optimizer.zero_grad();
        torch::nn::functional::cross_entropy(classifier->train_forward(images, generator), labels).backward();
        optimizer.step(1e-3);
      },
      budget_s);
  return kBatch / seconds;
}

// Forward and backward of the flow's N exponentials exp(η Bᵢ), by `exponential`.
double exponentials_seconds(const torch::Tensor& steps, torch::Tensor (*exponential)(const torch::Tensor&),
                            double budget_s) {
  const auto A = steps.detach().requires_grad_();
  const auto upstream = torch::randn_like(A);
  return bench::seconds_per_call([&] { (exponential(A) * upstream).sum().backward(); }, budget_s);
}

torch::Tensor pade_exp(const torch::Tensor& A) { return torch::linalg::matrix_exp(A); }

// The Python baseline's images/s, or a negative number when it cannot run.
double python_images_per_s(int64_t flow_steps, int64_t gates, int64_t batches) {
  const std::string script = "tests/bench/gated_odetoode_python.py";
  if (!std::filesystem::exists(script)) return -1.0;
  const std::string command = "OPENBLAS_NUM_THREADS=1 /usr/bin/python3 " + script +
                              " --flow-steps " + std::to_string(flow_steps) + " --gates " + std::to_string(gates) +
                              " --batches " + std::to_string(batches) + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1.0;
  double value = -1.0;
  if (std::fscanf(pipe, "images_per_s %lf", &value) != 1) value = -1.0;
  return pclose(pipe) == 0 ? value : -1.0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  set_compute_threads(1);
  const double budget_s = quick ? 0.3 : 2.0;
  if (!quick) {
    std::printf("training images/s, width %lld, batch %lld, float32, one thread:\n", static_cast<long long>(kWidth),
                static_cast<long long>(kBatch));
    const std::vector<Model> models{
        {"Dense-1", "dense", {{"depth", 1}}},
        {"Dense-10", "dense", {{"depth", 10}}},
        {"NODE (eta 0.1)", "node", {{"flow_steps", 10}}},
        {"NANODE-1 (eta 0.1)", "nanode", {{"flow_steps", 10}, {"degree", 1}}},
        {"NANODE-10 (eta 0.1)", "nanode", {{"flow_steps", 10}, {"degree", 10}}},
        {"HyperNet-1 (eta 0.1)", "hypernet", {{"flow_steps", 10}, {"gates", 1}}},
        {"HyperNet-10 (eta 0.1)", "hypernet", {{"flow_steps", 10}, {"gates", 10}}},
        {"ODEtoODE-1 (eta 0.04)", "odetoode", {{"flow_steps", 25}, {"gates", 1}}},
        {"ODEtoODE-1 (eta 0.01)", "odetoode", {{"flow_steps", 100}, {"gates", 1}}}};
    for (const auto& model : models) {
      auto classifier = make_classifier(model);
      std::printf("  %-24s %10.0f\n", model.name.c_str(), training_images_per_s(classifier, budget_s));
    }
  }
  bool agree = true;
  for (const int64_t flow_steps : quick ? std::vector<int64_t>{25} : std::vector<int64_t>{25, 100}) {
    const double eta = 1.0 / static_cast<double>(flow_steps);
    auto classifier = make_classifier({"ODEtoODE-10", "odetoode", {{"flow_steps", flow_steps}, {"gates", 10}}});
    const double images_per_s = training_images_per_s(classifier, budget_s);
    // The flow's exponent matrices ηBᵢ, as OdeToOdeFlow forms them.
    auto& flow = dynamic_cast<OdeToOdeFlowImpl&>(classifier->flow());
    torch::Tensor steps;
    {
      torch::NoGradGuard no_grad;
      const auto times = torch::arange(flow_steps, torch::kFloat64) * eta;
      const auto G = gated_matrices(flow.gate_coefficients.unsqueeze(0), flow.gate_in_weight.unsqueeze(0),
                                    flow.gate_in_bias.unsqueeze(0), flow.gate_out.unsqueeze(0), times);
      steps = eta * (G - G.transpose(-1, -2));
    }
    const double taylor_s = exponentials_seconds(steps, taylor_matrix_exp, budget_s);
    const double pade_s = exponentials_seconds(steps, pade_exp, budget_s);
    const double difference = (taylor_matrix_exp(steps) - torch::linalg::matrix_exp(steps)).abs().max().item<double>();
    agree = agree && difference < 1e-5;
    const double step_s = kBatch / images_per_s;
    std::printf("gated ODEtoODE-10, eta %.2f (%lld steps): %.0f images/s\n", eta, static_cast<long long>(flow_steps),
                images_per_s);
    std::printf("  exponentials (forward + backward): %.1f ms, %.0f%% of a step; torch::linalg::matrix_exp %.1f ms "
                "(%.1fx slower; max difference %.1e)\n",
                1e3 * taylor_s, 100.0 * taylor_s / step_s, 1e3 * pade_s, pade_s / taylor_s, difference);
    const double python = python_images_per_s(flow_steps, 10, quick ? 2 : 5);
    if (python > 0) {
      std::printf("  Python (torch.matrix_exp in a loop): %.0f images/s; diffctl %.2fx\n", python, images_per_s / python);
    } else {
      std::printf("  Python baseline not run (needs /usr/bin/python3 with torch, from the repository root)\n");
    }
  }
  if (!agree) {
    std::fprintf(stderr, "bench_supervised: taylor_matrix_exp and torch::linalg::matrix_exp disagree\n");
    return 1;
  }
  return 0;
}
