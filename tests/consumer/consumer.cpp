// An outside project using the installed package (<diffctl/diffctl.h>, diffctl::diffctl),
// doing what docs/extending.md describes: it adds an environment and a policy of its own,
// evaluates the policy with the rollout pool, registers the policy by name and trains it
// with es_train's trainer; it also reaches the LQR and LCP layers.
#include <diffctl/diffctl.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

// A user's environment: a point mass on a line, x⁺ = x + v dt, v⁺ = v + u dt, reward
// −(x² + 0.1 u²), 50 steps from x ~ U[−1, 1], v = 0.
class PointMass : public diffctl::Env {
 public:
  int64_t observation_size() const override { return 2; }
  int64_t action_size() const override { return 1; }
  int64_t episode_length() const override { return 50; }
  void reset(uint64_t seed, double* observation) override {
    diffctl::CounterRandom random(seed);
    position_ = random.uniform(-1.0, 1.0);
    velocity_ = 0.0;
    observation[0] = position_;
    observation[1] = velocity_;
  }
  diffctl::StepResult step(const double* action, double* observation) override {
    const double reward = -(position_ * position_ + 0.1 * action[0] * action[0]);
    position_ += velocity_ * kDt;
    velocity_ += action[0] * kDt;
    observation[0] = position_;
    observation[1] = velocity_;
    return {reward, false};
  }

 private:
  static constexpr double kDt = 0.1;
  double position_ = 0.0, velocity_ = 0.0;
};

// A user's policy: a PD controller u = −(k_p x + k_d v) with one free parameter vector.
class PdPolicyImpl : public diffctl::PolicyImpl {
 public:
  explicit PdPolicyImpl(double kp = 1.0, double kd = 1.5) : PolicyImpl(2, 1, diffctl::ObservationNormalizerOptions(2)) {
    gains = register_policy_parameter("gains", torch::tensor({kp, kd}, torch::kFloat64), diffctl::Manifold::free);
  }
  torch::Tensor gains;

 protected:
  torch::Tensor act(const diffctl::ParameterBatch& parameters, const torch::Tensor& observations) const override {
    // (K, B, 2) · (K, 2, 1)
    return -torch::matmul(observations, parameters["gains"].unsqueeze(-1));
  }
  std::string torchscript_act() const override {
    return "def act(self, x: Tensor) -> Tensor:\n    return -torch.matmul(x, self.gains.unsqueeze(-1))\n";
  }
  std::string export_name() const override { return "PdPolicy"; }
};
TORCH_MODULE(PdPolicy);

bool custom_env_and_policy_work(double& idle_return) {
  diffctl::register_env("point_mass", [] { return std::make_unique<PointMass>(); });
  PdPolicy policy;
  diffctl::RolloutPool pool([] { return diffctl::make_env("point_mass"); },
                            diffctl::RolloutOptions().episodes(16).threads(2).block_episodes(4));
  // The controller against doing nothing, and against K copies evaluated at once.
  const auto controlled = pool.run(*policy, 1);
  const auto copies = policy->unflatten(torch::tensor({{1.0, 1.5}, {0.0, 0.0}}, torch::kFloat64));
  const auto both = pool.run(*policy, copies, 1);
  const double mean_controlled = controlled.returns.mean().item<double>();
  const double mean_idle = both.returns[1].mean().item<double>();
  idle_return = mean_idle;
  const bool same = torch::allclose(both.returns[0], controlled.returns[0], 0.0, 1e-12);
  auto exported = policy->to_torchscript();
  const auto x = torch::tensor({0.5, -0.2}, torch::kFloat64);
  const double exported_action = exported.forward({x}).toTensor().item<double>();
  std::cout << "point mass: PD return " << mean_controlled << ", idle return " << mean_idle << ", env steps "
            << controlled.env_steps << ", exported u(0.5, -0.2) = " << exported_action << std::endl;
  return mean_controlled > mean_idle && same && controlled.env_steps == 16 * 50 &&
         std::abs(exported_action - (-(1.0 * 0.5 + 1.5 * -0.2))) < 1e-12;
}

// The PD policy by name, its initial gains from policy_options, trained by ES from zero gains
// on the point mass: the best evaluation at least halves the idle controller's cost (its
// episodes differ from the pool's, which moves a 16-episode mean by a few units of 17).
bool registered_policy_trains(double idle_return) {
  diffctl::register_policy("pd", [](diffctl::ConfigReader& options, const diffctl::PolicySizes& sizes,
                                    std::optional<at::Generator>) -> std::shared_ptr<diffctl::PolicyImpl> {
    if (sizes.observation_size != 2 || sizes.action_size != 1) {
      throw diffctl::InputError("policy: pd expects a position and a velocity and one force");
    }
    return PdPolicy(options.number("kp", 0.0), options.number("kd", 0.0)).ptr();
  });
  const auto out = std::filesystem::temp_directory_path() / "diffctl_consumer_es";
  std::filesystem::remove_all(out);
  const std::string config = (std::filesystem::temp_directory_path() / "diffctl_consumer_es.json").string();
  std::ofstream(config) << R"({"env": "point_mass", "policy": "pd", "policy_options": {"kp": 0.0, "kd": 0.0},
    "directions": 8, "sigma": 0.2, "step_size": 0.1, "normalize_observations": false, "eval_episodes": 16,
    "steps": 20, "eval_every": 5, "threads": 2, "seed": 3})";
  const std::string out_path = out.string();
  const char* argv[] = {"es_train", "--quiet", "--config", config.c_str(), "--out", out_path.c_str()};
  const int exit_code = diffctl::run_trainer_main(6, argv, "es_train on a registered policy",
                                                  [](diffctl::ConfigReader& reader, torch::Device device) {
                                                    return std::make_unique<diffctl::EsTrainer>(reader, device);
                                                  });
  std::ifstream summary_file(out / "summary.json");
  if (exit_code != 0 || !summary_file) return false;
  const double best = nlohmann::json::parse(summary_file)["best_return"].get<double>();
  std::cout << "es_train on the registered pd policy: best return " << best << " (idle " << idle_return << ")"
            << std::endl;
  return best > 0.5 * idle_return;
}

bool lqr_and_lcp_work() {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const auto A = torch::tensor({{1.0, 0.1}, {0.0, 1.0}}, opts);
  const auto B = torch::tensor({{0.0}, {0.1}}, opts);
  const auto Q = torch::eye(2, opts), R = torch::eye(1, opts), Sigma = torch::eye(2, opts);
  const auto P = diffctl::reference::solve_dare(diffctl::to_eigen(A), diffctl::to_eigen(B),
                                                diffctl::to_eigen(Q), diffctl::to_eigen(R));
  diffctl::LinearPolicy policy(diffctl::LinearPolicyOptions(2, 1));
  policy->set_flat_parameters(diffctl::to_tensor(
      diffctl::reference::riccati_gain(diffctl::to_eigen(A), diffctl::to_eigen(B), diffctl::to_eigen(R), P)));
  const diffctl::LqrSystems system{A.unsqueeze(0), B.unsqueeze(0), Q.unsqueeze(0), R.unsqueeze(0),
                                   Sigma.unsqueeze(0)};
  const auto cost = diffctl::lqr_cost(system, policy->gain).cost.sum();
  cost.backward();
  const double gradient = policy->gain.grad().abs().max().item<double>();
  const double gap = std::abs(cost.item<double>() - P.trace());
  std::cout << "cost " << cost.item<double>() << ", |grad| " << gradient << ", gap " << gap << std::endl;

  const auto F = torch::tensor({{2.0, 1.0}, {-1.0, 1.0}}, opts).unsqueeze(0);
  const auto q = torch::tensor({{-1.0, 0.5}}, opts).requires_grad_();
  const diffctl::lcp::Solution solution = diffctl::lcp::solve(F, q, diffctl::lcp::SolverOptions{});
  const auto lemke = diffctl::lcp::solve_lemke(diffctl::to_eigen(F[0]), diffctl::to_eigen(q[0].detach().unsqueeze(-1)));
  const double lcp_error = (diffctl::to_eigen(solution.lambda[0].detach().unsqueeze(-1)) - lemke.lambda).norm();
  solution.lambda.sum().backward();
  diffctl::LCSLayer layer(diffctl::LCSLayerOptions(2, 1, 2).smoothing(diffctl::lcp::SmoothingMode::contact_aware));
  const diffctl::LCSStep step = layer->forward(torch::ones({3, 2}, opts), torch::ones({3, 1}, opts));
  std::cout << "lcp error " << lcp_error << ", converged " << solution.summary.converged.item<bool>()
            << ", LCS step " << step.next_state.sizes() << std::endl;
  return gradient < 1e-9 && gap < 1e-9 && lcp_error < 1e-9 && solution.summary.converged.item<bool>() &&
         q.grad().defined() && step.next_state.size(0) == 3;
}

}  // namespace

int main() {
  double idle_return = 0.0;
  const bool extended = custom_env_and_policy_work(idle_return) && registered_policy_trains(idle_return);
  const bool core = lqr_and_lcp_work();
  std::cout << (extended && core ? "consumer: ok" : "consumer: FAILED") << std::endl;
  return extended && core ? 0 : 1;
}
