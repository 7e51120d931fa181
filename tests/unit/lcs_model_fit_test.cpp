// Contact-mode counting and agreement of a learned LCS (trainers/lcs/lcs_model_fit.h).
#include "trainers/lcs/lcs_model_fit.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace diffctl {
namespace {

TEST(LcsModelFit, CountsDistinctActiveSets) {
  const auto lambda = torch::tensor({{0.0, 0.0}, {1.0, 0.0}, {2.0, 0.0}, {0.0, 3.0}, {1e-12, 0.0}}, torch::kFloat64);
  EXPECT_EQ(count_contact_modes(lambda), 3);
}

// A model whose contacts are the true ones in the other order agrees everywhere; one that
// misses a contact does not.
TEST(LcsModelFit, ModeAgreementIgnoresTheOrderOfContacts) {
  const auto truth = torch::tensor({{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}, {0.0, 2.0, 1.0}, {0.0, 0.0, 0.0}}, torch::kFloat64);
  const auto relabelled = truth.index_select(1, torch::tensor({2, 0, 1}, torch::kInt64));
  EXPECT_DOUBLE_EQ(contact_mode_agreement(truth, relabelled), 1.0);
  auto missing = relabelled.clone();
  missing.select(1, 0).zero_();
  EXPECT_DOUBLE_EQ(contact_mode_agreement(truth, missing), 0.5);
}

}  // namespace
}  // namespace diffctl
