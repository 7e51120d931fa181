// Learning a linear complementarity system from transitions (the model update of
// Algorithm 1 in lcs-first-order-policy-gradient.md): an LCSLayer with learnable matrices
// (F through its P-matrix parameterization) fitted by the prediction loss (3.1) through
// the implicit LCP backward, on transitions of the cart-pole with soft walls or of a random
// LCS of the Learning-LCS benchmark, and judged on held-out transitions.
//   metrics.jsonl  the minibatch loss every log_every steps
//   model.json     the learned matrices
//   summary.json   held-out relative one-step error of the learned model (exact LCS),
//                  of the best linear model and of x⁺ = x; contact modes of the data and
//                  the model, and how often the model's active set is the true one

#include "data/envs/contact_task.h"
#include "data/lcs/random_lcs.h"
#include "data/lqr/lqr_instance.h"
#include "src/config/config_reader.h"
#include "src/error.h"
#include "src/seeding.h"
#include "src/training/progress_bar.h"
#include "trainers/framework/experiment.h"
#include "trainers/lcs/lcs_model_fit.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace {

using namespace diffctl;

// Least squares x⁺ ≈ [x, u, 1] W on the training transitions: what a model without
// contacts can do.
torch::Tensor linear_prediction(const Transitions& train, const Transitions& test) {
  auto features = [](const Transitions& t) {
    return torch::cat({t.state, t.input, torch::ones({t.state.size(0), 1}, torch::kFloat64)}, 1);
  };
  const auto weights = std::get<0>(torch::linalg_lstsq(features(train), train.next_state));
  return features(test).matmul(weights);
}

class LcsFit : public Experiment {
 public:
  LcsFit(ConfigReader& reader, torch::Device device) {
    if (!device.is_cpu()) throw InputError("--device: lcs_fit runs on the CPU, got " + device.str());
    // A contact task's real system, or the random-LCS benchmark of Jin et al.
    std::vector<std::string> systems = contact_task_names();
    systems.push_back("random_lcs");
    system_ = reader.choice("system", "cartpole_soft_walls", systems);
    train_count_ = reader.integer("train_transitions", 2000, 1);
    test_count_ = reader.integer("test_transitions", 1000, 1);
    if (system_ != "random_lcs") {
      const ContactTask task = make_contact_task(system_, reader.value("contact_task_options", nlohmann::json::object()),
                                                 reader.path_of("contact_task_options"));
      task_matrices_ = task.matrices;
      sampling_.state_bounds = torch::tensor(task.read_state_bounds(reader, "state_bounds"), torch::kFloat64);
      sampling_.input_range = reader.number("input_range", task.exploration_input_range, 0.0, true);
      sampling_.observation_noise = reader.number("observation_noise", 0.0, 0.0);
    } else {
      random_.state_dim = reader.integer("state_dim", random_.state_dim, 1, 64);
      random_.input_dim = reader.integer("input_dim", random_.input_dim, 1, 64);
      random_.contact_dim = reader.integer("contact_dim", random_.contact_dim, 1, 8);
      random_.state_range = reader.number("state_range", random_.state_range, 0.0, true);
      random_.input_range = reader.number("input_range", random_.input_range, 0.0, true);
      random_.observation_noise = reader.number("observation_noise", random_.observation_noise, 0.0);
      sampling_ = benchmark_sampling(random_);
    }
    fit_ = LcsFitOptions::from_config(reader);
    restarts_ = reader.integer("restarts", 1, 1, 100);
    log_every_ = reader.integer("log_every", 100, 1);
    seed_ = static_cast<uint64_t>(reader.integer("seed", 0, 0));
  }

  bool resumable() const override { return false; }

  void prepare() override {
    auto generator = make_generator(seed_);
    truth_ = system_ == "random_lcs" ? random_lcs(random_, generator) : task_matrices_;
    train_ = sample_transitions(truth_, sampling_, train_count_, generator);
    test_ = sample_transitions(truth_, sampling_, test_count_, generator);
  }

  nlohmann::json run(RunSink& sink, bool, bool quiet) override {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const int64_t nx = truth_.A.size(0), nu = truth_.B.size(1), nl = truth_.C.size(1);
    sink.open_metrics(-1);
    ProgressBar progress(restarts_ * fit_.steps, !quiet);
    const LcsFitResult fit = fit_lcs_model_with_restarts(
        LCSLayerOptions(nx, nu, nl), train_, train_, fit_, restarts_, seed_, [&](int64_t restart, int64_t step, double loss) {
          const int64_t overall = restart * fit_.steps + step;
          if (step % log_every_ == 0 || step == fit_.steps || !std::isfinite(loss)) {
            sink.log(overall, elapsed(), {{"restart", restart}, {"loss", loss}});
          }
          progress.update(overall, "loss " + std::to_string(loss));
        });
    progress.finish();
    LCSLayer model = fit.model;
    nlohmann::json train_errors = nlohmann::json::array();
    for (const double error : fit.train_errors) {
      train_errors.push_back(std::isfinite(error) ? nlohmann::json(error) : nlohmann::json(nullptr));
    }
    if (!model) return {{"status", "diverged"}, {"restarts", restarts_}, {"wall_time_s", elapsed()}};
    const LCSStep prediction = predict_exact(*model, test_.state, test_.input);
    const LCSMatrices learned = model->matrices();
    const auto vector_json = [](const torch::Tensor& vector) { return matrix_to_json(vector.unsqueeze(0))[0]; };
    sink.write_text("model.json", nlohmann::json{{"A", matrix_to_json(learned.A)}, {"B", matrix_to_json(learned.B)},
                                                 {"C", matrix_to_json(learned.C)}, {"D", matrix_to_json(learned.D)},
                                                 {"E", matrix_to_json(learned.E)}, {"F", matrix_to_json(learned.F)},
                                                 {"c", vector_json(learned.c)}, {"d", vector_json(learned.d)}}
                                          .dump(2) +
                                      "\n");
    return {{"status", "converged"},
            {"relative_error", relative_error(prediction.next_state, test_.next_state)},
            {"linear_relative_error", relative_error(linear_prediction(train_, test_), test_.next_state)},
            {"identity_relative_error", relative_error(test_.state, test_.next_state)},
            {"data_modes", count_contact_modes(test_.lambda)},
            {"model_modes", count_contact_modes(prediction.lambda)},
            {"mode_agreement", contact_mode_agreement(test_.lambda, prediction.lambda)},
            {"solver_converged", prediction.summary.converged.all().item<bool>()},
            {"train_relative_error", fit.train_error},
            {"restart_train_errors", train_errors},
            {"final_loss", fit.final_loss},
            {"wall_time_s", elapsed()}};
  }

 private:
  std::string system_;
  int64_t train_count_, test_count_, restarts_, log_every_;
  TransitionSampling sampling_;
  RandomLcsOptions random_;
  LcsFitOptions fit_;
  uint64_t seed_;
  LCSMatrices task_matrices_, truth_;
  Transitions train_, test_;
};

}  // namespace

int main(int argc, char** argv) {
  return run_experiment_main(argc, argv,
                             "lcs_fit: learn an LCS model from transitions by the prediction loss through the\n"
                             "implicit LCP layer; held-out one-step error and contact modes. Example:\n"
                             "  build/bin/lcs_fit --config data/configs/lcs_fit_cartpole.json",
                             [](ConfigReader& config, torch::Device device) {
                               return std::make_unique<LcsFit>(config, device);
                             });
}
