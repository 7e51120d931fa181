#pragma once

#include <torch/types.h>

#include <string>

namespace diffctl {

// Labelled images: images (N, rows, columns) uint8 in [0, 255], labels (N) int64.
struct ImageDataset {
  torch::Tensor images;
  torch::Tensor labels;
  int64_t size() const { return images.size(0); }
};

// The four standard IDX files of an MNIST-style directory (train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each read
// gzipped (".gz") or plain, whichever is there.
struct ImageDatasetSplits {
  ImageDataset train;
  ImageDataset test;
};

// Debian's dataset-fashion-mnist installs Fashion-MNIST here.
inline constexpr const char* kFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

// Reads one IDX file (gzipped when its name ends in ".gz"): magic 0x0000080D with D = 1
// (labels, uint8) or 3 (images, uint8), big-endian sizes, then the data. Throws InputError
// naming the file for a missing file, a bad magic number, a truncated gzip stream or data
// that does not match the sizes.
torch::Tensor read_idx_file(const std::string& path);

// Reads a directory's training and test splits, checking that images and labels agree in
// count, that labels are in [0, 9] and images are 28×28.
ImageDatasetSplits read_idx_directory(const std::string& directory);

}  // namespace diffctl
