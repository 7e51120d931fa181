#include "src/parallel/communicator.h"

#include <gtest/gtest.h>

#include <string>

namespace diffctl {
namespace {

// Every block goes to exactly one rank, ranks take contiguous runs in rank order, and no
// rank has more than one block more than another.
TEST(Communicator, BlocksOfRankPartitionTheBlocksEvenlyInOrder) {
  for (int64_t blocks : {0, 1, 4, 7, 50}) {
    for (int ranks : {1, 2, 3, 4, 8}) {
      int64_t next = 0, fewest = blocks, most = 0;
      for (int rank = 0; rank < ranks; ++rank) {
        const BlockRange range = blocks_of_rank(blocks, rank, ranks);
        EXPECT_EQ(range.first, next) << blocks << " blocks, rank " << rank << " of " << ranks;
        EXPECT_LE(range.first, range.last);
        fewest = std::min(fewest, range.last - range.first);
        most = std::max(most, range.last - range.first);
        next = range.last;
      }
      EXPECT_EQ(next, blocks) << ranks;
      EXPECT_LE(most - fewest, 1) << blocks << " blocks on " << ranks << " ranks";
    }
  }
}

// The published FNV-1a 64-bit test vectors.
TEST(Communicator, Fnv1aChecksumMatchesItsReferenceValues) {
  EXPECT_EQ(fnv1a_checksum("", 0), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a_checksum("a", 1), 0xaf63dc4c8601ec8cULL);
  const std::string foobar = "foobar";
  EXPECT_EQ(fnv1a_checksum(foobar.data(), foobar.size()), 0x85944171f73967e8ULL);
}

// Without a launcher the run is one process.
TEST(Communicator, WorldIsOneProcessWithoutALauncher) {
  const Communicator& ranks = world();
  EXPECT_EQ(ranks.size(), 1);
  EXPECT_TRUE(ranks.is_root());
  EXPECT_EQ(ranks.all_gather({1.5, -2.0}), (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(ranks.broadcast("bytes"), "bytes");
}

}  // namespace
}  // namespace diffctl
