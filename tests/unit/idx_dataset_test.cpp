// The IDX reader: round trips gzipped and plain files, and names what is wrong with a bad one.
#include "data/images/corrupted_image_benchmark.h"
#include "data/images/idx_dataset.h"
#include "support/command.h"
#include "support/input_error.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace diffctl {
namespace {

std::string idx_bytes(const std::vector<uint32_t>& shape, const std::vector<uint8_t>& data) {
  std::string bytes{'\0', '\0', '\x08', static_cast<char>(shape.size())};
  for (const uint32_t size : shape) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  bytes.append(data.begin(), data.end());
  return bytes;
}

void write_plain(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

// A tiny dataset: 3 training and 2 test images with labels; images gzipped, labels plain.
std::string write_tiny_dataset(const std::string& name) {
  const std::string dir = testing::scratch_dir(name);
  std::filesystem::create_directories(dir);
  auto images = [](int count) {
    std::vector<uint8_t> data(count * 784);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 % 256);
    return data;
  };
  write_gzip(dir + "/train-images-idx3-ubyte.gz", idx_bytes({3, 28, 28}, images(3)));
  write_plain(dir + "/train-labels-idx1-ubyte", idx_bytes({3}, {4, 0, 9}));
  write_gzip(dir + "/t10k-images-idx3-ubyte.gz", idx_bytes({2, 28, 28}, images(2)));
  write_gzip(dir + "/t10k-labels-idx1-ubyte.gz", idx_bytes({2}, {1, 2}));
  return dir;
}

TEST(IdxDataset, ReadsGzippedAndPlainFilesOfADirectory) {
  const auto splits = read_idx_directory(write_tiny_dataset("idx_tiny"));
  ASSERT_EQ(splits.train.images.sizes(), (std::vector<int64_t>{3, 28, 28}));
  EXPECT_EQ(splits.train.images[2][27][27].item<int64_t>(), (2 * 784 + 783) * 7 % 256);
  EXPECT_TRUE(splits.train.labels.equal(torch::tensor({4, 0, 9}, torch::kInt64)));
  EXPECT_TRUE(splits.test.labels.equal(torch::tensor({1, 2}, torch::kInt64)));
}

TEST(IdxDataset, BadFilesAreOneLineErrorsNamingTheFile) {
  const std::string dir = write_tiny_dataset("idx_bad");
  const std::string labels = dir + "/train-labels-idx1-ubyte";
  write_plain(labels, "\x00\x00\x09\x01garbage");
  EXPECT_NE(testing::input_error_of([&] { read_idx_directory(dir); }).find(labels + ": bad magic number"), std::string::npos);
  write_plain(labels, idx_bytes({4}, {1, 2, 3}));  // says 4, holds 3
  EXPECT_NE(testing::input_error_of([&] { read_idx_directory(dir); }).find("expected 4 data bytes"), std::string::npos);
  write_plain(labels, idx_bytes({3}, {1, 2, 3}));
  // A gzip stream cut in half.
  const std::string images = dir + "/train-images-idx3-ubyte.gz";
  std::string gzipped;
  {
    std::ifstream file(images, std::ios::binary);
    gzipped.assign(std::istreambuf_iterator<char>(file), {});
  }
  write_plain(images, gzipped.substr(0, gzipped.size() / 2));
  const std::string truncated = testing::input_error_of([&] { read_idx_directory(dir); });
  EXPECT_NE(truncated.find(images), std::string::npos) << truncated;
  EXPECT_EQ(truncated.find('\n'), std::string::npos);
  std::filesystem::remove(images);
  EXPECT_NE(testing::input_error_of([&] { read_idx_directory(dir); }).find("train-images-idx3-ubyte: no such file"),
            std::string::npos);
  EXPECT_NE(testing::input_error_of([&] { read_idx_directory(dir + "/missing"); }).find("no such directory"),
            std::string::npos);
}

TEST(IdxDataset, LabelsOutsideTheTenClassesAreRejected) {
  const std::string dir = write_tiny_dataset("idx_labels");
  write_plain(dir + "/train-labels-idx1-ubyte", idx_bytes({3}, {1, 12, 3}));
  EXPECT_NE(testing::input_error_of([&] { read_idx_directory(dir); }).find("expected labels in [0, 9]"), std::string::npos);
}

}  // namespace
}  // namespace diffctl
