// es_train, es_compare and zo_lqr across MPI ranks: for the same config and seed, a plain run
// (no launcher) and mpirun with 2, 3 and 4 ranks give the same summary (timings aside) and
// the same policy.pt; bad input is one line from the root and exit 2 on every rank. The
// machine has 2 cores, so more ranks need --oversubscribe; as root OpenMPI needs
// --allow-run-as-root; -q keeps mpirun's own notices of a non-zero exit off stderr.
#include "support/command.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

namespace diffctl {
namespace {

using testing::executable;
using testing::metrics_without_timing;
using testing::read_json;
using testing::run_command;
using testing::scratch_dir;
using testing::summary_without_timing;

std::string mpirun(int ranks) {
  return "mpirun -q --allow-run-as-root --oversubscribe --bind-to none -np " + std::to_string(ranks) + " ";
}

// Figures that measure speed and how the run was spread over ranks, not the run.
nlohmann::json without_rates(nlohmann::json summary) {
  for (const char* timing :
       {"env_steps_per_s", "iteration_env_steps_per_s", "share_outside_rollouts", "distribution"}) {
    summary.erase(timing);
  }
  return summary;
}

torch::Tensor policy_outputs(const std::string& run_dir, const torch::Tensor& inputs) {
  torch::jit::Module policy = torch::jit::load(run_dir + "/policy.pt");
  return policy.forward({inputs}).toTensor();
}

// `command` (ending in --out) run plainly and on 2, 3 and 4 ranks.
void expect_same_run_for_any_rank_count(const std::string& name, const std::string& command,
                                        const torch::Tensor& policy_inputs) {
  const std::string plain = scratch_dir(name + "_plain");
  const auto reference = run_command(command + plain);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const auto reference_outputs = policy_outputs(plain, policy_inputs);
  for (int ranks : {2, 3, 4}) {
    const std::string out = scratch_dir(name + "_np" + std::to_string(ranks));
    const auto run = run_command(mpirun(ranks) + command + out);
    ASSERT_EQ(run.exit_code, 0) << ranks << " ranks: " << run.err;
    EXPECT_EQ(without_rates(summary_without_timing(out)), without_rates(summary_without_timing(plain))) << ranks;
    EXPECT_EQ(metrics_without_timing(out), metrics_without_timing(plain)) << ranks;
    EXPECT_TRUE(torch::equal(policy_outputs(out, policy_inputs), reference_outputs)) << ranks;
    // Only the root wrote: one run directory, no stray files from the other ranks.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out), {}),
              std::distance(std::filesystem::directory_iterator(plain), {}))
        << ranks;
  }
}

// Swimmer, 16 perturbed copies in 4 lockstep blocks of the ODEtoODE policy: 2 and 4 ranks
// split them evenly, 3 unevenly.
TEST(Mpi, EsTrainOnSwimmerIsTheSameForAnyRankCount) {
  expect_same_run_for_any_rank_count(
      "mpi_es",
      executable("es_train") + " --quiet --config data/configs/es_swimmer_iso_odetoode.json --set steps=4 "
                               "eval_every=2 eval_episodes=2 horizon=200 threads=1 --out ",
      torch::linspace(-1.0, 1.0, 3 * 8, torch::kFloat64).view({3, 8}));
}

TEST(Mpi, ZoLqrIsTheSameForAnyRankCount) {
  expect_same_run_for_any_rank_count(
      "mpi_zo",
      executable("zo_lqr") + " --quiet --config data/configs/zo_lqr_malik3.json --set steps=50 threads=1 --out ",
      torch::eye(3, torch::kFloat64));
}

// Wall times and rates, at any depth: they measure the machine, not the run.
nlohmann::json without_timings(nlohmann::json value) {
  if (!value.is_object()) return value;
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    if (key.find("wall_time") != std::string::npos || key.find("_per_s") != std::string::npos ||
        key == "share_outside_rollouts" || key == "distribution") {
      continue;
    }
    kept[key] = without_timings(item.value());
  }
  return kept;
}

// Two seeds of each of the comparison's policies at a tiny budget (8 perturbed copies: two
// lockstep blocks of the ODE policies).
TEST(Mpi, EsCompareIsTheSameForAnyRankCount) {
  const std::string command = executable("es_compare") +
                              " --quiet --config data/configs/es_compare_swimmer.json --set seeds=2 common.steps=2 "
                              "common.eval_every=1 common.horizon=20 common.directions=4 common.top_directions=2 "
                              "common.eval_episodes=1 common.threads=1 --out ";
  const std::string plain = scratch_dir("mpi_compare_plain");
  const auto reference = run_command(command + plain);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  for (int ranks : {2, 3, 4}) {
    const std::string out = scratch_dir("mpi_compare_np" + std::to_string(ranks));
    const auto run = run_command(mpirun(ranks) + command + out);
    ASSERT_EQ(run.exit_code, 0) << ranks << " ranks: " << run.err;
    EXPECT_EQ(testing::read_file(out + "/curves.csv"), testing::read_file(plain + "/curves.csv")) << ranks;
    EXPECT_EQ(without_timings(read_json(out + "/summary.json")), without_timings(read_json(plain + "/summary.json")))
        << ranks;
  }
}

// The pid of the process of `rank` among those whose command line mentions `marker` (the
// launcher gives each rank OMPI_COMM_WORLD_RANK in its environment); 0 if none.
pid_t rank_process(const std::string& marker, int rank) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string command_line = testing::read_file(entry.path().string() + "/cmdline");
    std::replace(command_line.begin(), command_line.end(), '\0', ' ');
    if (command_line.find("es_train") == std::string::npos || command_line.find(marker) == std::string::npos ||
        command_line.find("mpirun") != std::string::npos) {
      continue;
    }
    std::string environment = testing::read_file(entry.path().string() + "/environ");
    std::replace(environment.begin(), environment.end(), '\0', '\n');
    if (environment.find("\nOMPI_COMM_WORLD_RANK=" + std::to_string(rank) + "\n") != std::string::npos) {
      return static_cast<pid_t>(std::stoi(name));
    }
  }
  return 0;
}

// A rank killed after the first checkpoint ends the job within 30 s with a non-zero exit; the
// checkpoint it leaves resumes, under mpirun, to the uninterrupted run.
TEST(Mpi, AKilledRankEndsTheJobAndTheResumedRunEqualsTheWholeOne) {
  const std::string args = " --quiet --config data/configs/es_swimmer_iso_odetoode.json --set steps=12 "
                           "eval_every=2 checkpoint_every=2 eval_episodes=2 horizon=300 threads=1 --out ";
  const std::string whole = scratch_dir("mpi_whole"), killed = scratch_dir("mpi_killed");
  ASSERT_EQ(run_command(executable("es_train") + args + whole).exit_code, 0);
  const std::string exit_file = killed + ".exit";
  std::filesystem::remove(exit_file);
  ASSERT_EQ(std::system(("(" + mpirun(2) + executable("es_train") + args + killed + "; echo $? > " + exit_file +
                         ") >/dev/null 2>&1 &")
                            .c_str()),
            0);
  const auto wait_for = [](const std::string& path, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!std::filesystem::exists(path) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::filesystem::exists(path);
  };
  ASSERT_TRUE(wait_for(killed + "/checkpoint.pt", 120)) << "no checkpoint";
  const pid_t victim = rank_process(killed, 1);
  ASSERT_GT(victim, 0) << "rank 1 not found";
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  ASSERT_TRUE(wait_for(exit_file, 30)) << "the job did not end within 30 s of losing a rank";
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the exit code's line written
  EXPECT_NE(std::stoi(testing::read_file(exit_file)), 0);
  ASSERT_FALSE(std::filesystem::exists(killed + "/summary.json")) << "the run finished before the kill";

  const auto resumed = run_command(mpirun(2) + executable("es_train") + " --quiet --resume --out " + killed);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(without_rates(summary_without_timing(killed)), without_rates(summary_without_timing(whole)));
  EXPECT_EQ(metrics_without_timing(killed), metrics_without_timing(whole));
}

// Two ranks that hold different parameters (here: rank 1 started from another seed, through
// mpirun's one-program-per-rank syntax) stop at the first consistency check with an error
// naming the rank, instead of training on.
TEST(Mpi, RanksWhoseParametersDifferStopAtTheConsistencyCheck) {
  const std::string out = scratch_dir("mpi_diverged");
  const std::string es_train = executable("es_train") +
                               " --quiet --config data/configs/es_swimmer_iso_odetoode.json --set steps=6 "
                               "check_every=2 eval_every=0 horizon=50 threads=1 --out " + out;
  const auto run = run_command("mpirun -q --allow-run-as-root --oversubscribe --bind-to none -np 1 " + es_train +
                               " --seed 0 : -np 1 " + es_train + " --seed 1");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("rank 1's parameters differ from rank 0's after step 2"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/summary.json"));
}

// Every rank rejects the input alike: one line (the root's), exit 2, no run directory.
TEST(Mpi, BadInputIsReportedOnceAndEveryRankExitsWithTwo) {
  const std::string out = scratch_dir("mpi_bad");
  const auto run = run_command(mpirun(3) + executable("es_train") +
                               " --quiet --config data/configs/es_swimmer_iso_odetoode.json --set directions=0 --out " +
                               out);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find("directions"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace diffctl
