#include "data/images/idx_dataset.h"

#include "src/error.h"

#include <zlib.h>

#include <filesystem>
#include <vector>

namespace diffctl {

namespace {

// The whole file, inflated when gzipped; gzread reads plain files through unchanged, so
// one path serves both, and its error state tells a truncated stream from a clean end.
std::vector<uint8_t> file_bytes(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(path + ": no such file (expected an IDX file)");
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw InputError(path + ": cannot be opened");
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> chunk(1 << 20);
  while (true) {
    const int count = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (count < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw InputError(path + ": corrupt gzip stream (" + message + ")");
    }
    if (count == 0) break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + count);
  }
  int code = 0;
  const std::string message = gzerror(file, &code);
  gzclose(file);
  if (code != Z_OK && code != Z_STREAM_END) throw InputError(path + ": corrupt gzip stream (" + message + ")");
  return bytes;
}

uint32_t big_endian(const std::vector<uint8_t>& bytes, size_t offset) {
  return (uint32_t{bytes[offset]} << 24) | (uint32_t{bytes[offset + 1]} << 16) | (uint32_t{bytes[offset + 2]} << 8) |
         uint32_t{bytes[offset + 3]};
}

// `name` gzipped or plain, whichever the directory holds.
std::string idx_path(const std::string& directory, const std::string& name) {
  const auto base = std::filesystem::path(directory) / name;
  const std::string gzipped = base.string() + ".gz";
  return std::filesystem::exists(gzipped) ? gzipped : base.string();
}

ImageDataset read_split(const std::string& directory, const std::string& prefix) {
  const std::string images_path = idx_path(directory, prefix + "-images-idx3-ubyte");
  const std::string labels_path = idx_path(directory, prefix + "-labels-idx1-ubyte");
  ImageDataset split{read_idx_file(images_path), read_idx_file(labels_path)};
  if (split.images.dim() != 3 || split.images.size(1) != 28 || split.images.size(2) != 28) {
    throw InputError(images_path + ": expected 28×28 images (an idx3 file), got shape " +
                     c10::str(split.images.sizes()));
  }
  if (split.labels.dim() != 1 || split.labels.size(0) != split.images.size(0)) {
    throw InputError(labels_path + ": expected " + std::to_string(split.images.size(0)) + " labels (one per image of " +
                     images_path + "), got shape " + c10::str(split.labels.sizes()));
  }
  split.labels = split.labels.to(torch::kInt64);
  if (split.labels.max().item<int64_t>() > 9) throw InputError(labels_path + ": expected labels in [0, 9]");
  return split;
}

}  // namespace

torch::Tensor read_idx_file(const std::string& path) {
  std::vector<uint8_t> bytes = file_bytes(path);
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || (bytes[3] != 1 && bytes[3] != 3)) {
    throw InputError(path + ": bad magic number (expected an IDX file of unsigned bytes, 0x00000801 or 0x00000803)");
  }
  const size_t dimensions = bytes[3];
  const size_t header = 4 + 4 * dimensions;
  if (bytes.size() < header) throw InputError(path + ": truncated IDX header");
  std::vector<int64_t> shape;
  size_t count = 1;
  for (size_t d = 0; d < dimensions; ++d) {
    shape.push_back(big_endian(bytes, 4 + 4 * d));
    count *= static_cast<size_t>(shape.back());
  }
  if (bytes.size() - header != count) {
    throw InputError(path + ": expected " + std::to_string(count) + " data bytes after the header, got " +
                     std::to_string(bytes.size() - header));
  }
  auto data = torch::empty(shape, torch::kUInt8);
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end(), data.data_ptr<uint8_t>());
  return data;
}

ImageDatasetSplits read_idx_directory(const std::string& directory) {
  if (!std::filesystem::is_directory(directory)) {
    throw InputError(directory + ": no such directory (expected the four MNIST-style IDX files)");
  }
  return {read_split(directory, "train"), read_split(directory, "t10k")};
}

}  // namespace diffctl
