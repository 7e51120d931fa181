// The MNIST-C corruptions that scikit-image computes without randomness of its own — canny,
// scale, rotate, shear, translate and brightness — recomputed by tests/e2e/mnist_c_reference.py
// with Debian's python3-skimage from MNIST-C's formulas, on 300 Fashion-MNIST test images.
#include "data/images/idx_dataset.h"
#include "data/images/image_corruption.h"
#include "support/command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diffctl {
namespace {

using testing::read_json;
using testing::run_command;
using testing::scratch_dir;

void write_bytes(const std::string& path, const torch::Tensor& images) {
  const torch::Tensor bytes = images.contiguous();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>()), bytes.numel());
}

TEST(ImageCorruptionOracle, MatchesScikitImageOnFashionMnist) {
  const torch::Tensor images =
      read_idx_file(std::string(kFashionMnistDirectory) + "/t10k-images-idx3-ubyte.gz").slice(0, 0, 300);
  const std::string directory = scratch_dir("mnist_c_oracle");
  std::filesystem::create_directories(directory);
  write_bytes(directory + "/clean.u8", images);
  const std::vector<Corruption> corruptions{Corruption::canny_edges, Corruption::scale, Corruption::brightness,
                                            Corruption::rotate,      Corruption::shear, Corruption::translate};
  for (const Corruption corruption : corruptions) {
    write_bytes(directory + "/" + to_string(corruption) + ".u8", corrupt_images(corruption, images, 5));
  }
  const auto result = run_command("/usr/bin/python3 tests/e2e/mnist_c_reference.py " + directory);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto report = nlohmann::json::parse(result.out);
  for (const Corruption corruption : corruptions) {
    const auto& found = report.at(to_string(corruption));
    if (corruption == Corruption::canny_edges) {
      // Edges are 0 or 255: a pixel differs only where the two suppressions break a tie apart.
      EXPECT_LT(found["differing_share"].get<double>(), 0.002) << to_string(corruption);
    } else {  // ours is rounded to uint8
      EXPECT_LE(found["max_abs_difference"].get<double>(), 0.51) << to_string(corruption);
    }
  }
}

}  // namespace
}  // namespace diffctl
