#include "data/images/corrupted_image_benchmark.h"

#include "src/config/config_reader.h"
#include "src/error.h"

namespace diffctl {

CorruptedImageBenchmarkOptions CorruptedImageBenchmarkOptions::from_config(ConfigReader& reader) {
  CorruptedImageBenchmarkOptions options;
  options.data_dir = reader.string("data_dir", options.data_dir);
  options.train_images = reader.integer("train_images", options.train_images, 0);
  options.test_images = reader.integer("test_images", options.test_images, 0);
  std::vector<std::string> default_names;
  for (const Corruption corruption : options.corruptions) default_names.push_back(to_string(corruption));
  const auto names = reader.choices("corruptions", default_names, enum_name_list(kCorruptionNames));
  options.corruptions.clear();
  for (const auto& name : names) options.corruptions.push_back(enum_value(kCorruptionNames, name, reader.path_of("corruptions")));
  if (options.corruptions.empty()) throw InputError(reader.path_of("corruptions") + ": expected at least one corruption");
  options.corruption_seed = static_cast<uint64_t>(reader.integer("corruption_seed", 0, 0));
  return options;
}

std::shared_ptr<const CorruptedImageBenchmark> load_corrupted_image_benchmark(const CorruptedImageBenchmarkOptions& options) {
  ImageDatasetSplits splits = read_idx_directory(options.data_dir);
  auto first = [](ImageDataset split, int64_t count) {
    if (count == 0 || count >= split.size()) return split;
    return ImageDataset{split.images.slice(0, 0, count).clone(), split.labels.slice(0, 0, count).clone()};
  };
  auto benchmark = std::make_shared<CorruptedImageBenchmark>();
  benchmark->train = first(std::move(splits.train), options.train_images);
  const ImageDataset test = first(std::move(splits.test), options.test_images);
  for (size_t i = 0; i < options.corruptions.size(); ++i) {
    const Corruption corruption = options.corruptions[i];
    // One stream per corruption, so adding or reordering corruptions leaves the others' images.
    const uint64_t seed = derive_seed(options.corruption_seed, static_cast<uint64_t>(corruption));
    benchmark->tests.push_back({corruption, ImageDataset{corrupt_images(corruption, test.images, seed), test.labels}});
  }
  return benchmark;
}

}  // namespace diffctl
