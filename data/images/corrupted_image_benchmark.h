#pragma once

#include "data/images/idx_dataset.h"
#include "data/images/image_corruption.h"

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace diffctl {

class ConfigReader;

struct CorruptedImageBenchmarkOptions {
  std::string data_dir = kFashionMnistDirectory;
  int64_t train_images = 0;  // the first N training images (0: all)
  int64_t test_images = 0;   // the first N test images (0: all)
  std::vector<Corruption> corruptions = table1_corruptions();
  uint64_t corruption_seed = 0;  // every model is tested on the same corrupted images

  // The config keys from_config reads.
  static constexpr std::array<const char*, 5> kConfigKeys{"data_dir", "train_images", "test_images", "corruptions",
                                                          "corruption_seed"};
  // Reads data_dir, train_images, test_images, corruptions (names), corruption_seed.
  static CorruptedImageBenchmarkOptions from_config(ConfigReader& reader);
};

// ode-to-ode.md section 5.2's protocol: train on clean images, test on each corrupted copy
// of the test set (MNIST-C's construction, here of any IDX directory).
struct CorruptedImageBenchmark {
  ImageDataset train;
  std::vector<std::pair<Corruption, ImageDataset>> tests;  // in the options' order
};

// Reads the directory and corrupts its test split once (InputError for a missing or corrupt
// dataset, naming the file).
std::shared_ptr<const CorruptedImageBenchmark> load_corrupted_image_benchmark(const CorruptedImageBenchmarkOptions& options);

}  // namespace diffctl
