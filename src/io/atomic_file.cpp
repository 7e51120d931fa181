#include "src/io/atomic_file.h"

#include "src/error.h"

#include <filesystem>
#include <fstream>

namespace diffctl {

void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write) {
  const std::string temp_path = path + ".tmp";
  try {
    write(temp_path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp_path, ignored);
    throw;
  }
  std::error_code error;
  std::filesystem::rename(temp_path, path, error);
  if (error) throw Error(path + ": cannot write the file (" + error.message() + ")");
}

void write_text_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, [&](const std::string& temp_path) {
    std::ofstream file(temp_path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) throw Error(path + ": cannot write the file");
  });
}

}  // namespace diffctl
