#include "data/lcs/random_lcp.h"
#include "src/lcp/interior_point.h"
#include "src/seeding.h"
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <iostream>
namespace diffctl {
TEST(Scratch, A) {
  const LcpBatch problems = random_p_matrix_lcps(50, 6, make_generator(8));
  auto generator = make_generator(9);
  const auto mu = 0.01 + torch::rand({50, 6}, generator, torch::kFloat64);
  const lcp::Solution s = lcp::solve(problems.F, problems.q, mu);
  std::cout << s.summary.converged.sum() << s.summary.iterations.max() << s.summary.primal_residual.max() << s.summary.complementarity_residual.max() << std::endl;
  std::cout << (s.lambda * s.w - mu).abs().max() << s.lambda.min() << s.w.min() << std::endl;
  const LcpBatch p2 = random_p_matrix_lcps(20, 12, make_generator(11));
  lcp::SolverOptions options;
  options.max_iterations = 2;
  const lcp::Solution s2 = lcp::solve(p2.F, p2.q, options);
  std::cout << s2.summary.converged << s2.summary.iterations << std::endl;
}
}
