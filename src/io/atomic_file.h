#pragma once

#include <functional>
#include <string>

namespace diffctl {

// Writes `path` so that readers only ever see the old file or the complete new one:
// `write` fills a temporary file beside it, which is then renamed over `path`.
void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write);

void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace diffctl
