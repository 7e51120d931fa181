#include "src/training/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace diffctl {

ProgressBar::ProgressBar(int64_t total_steps, bool enabled)
    : total_steps_(total_steps), enabled_(enabled && isatty(STDERR_FILENO)) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(int64_t step, const std::string& latest_metric) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (first_step_ < 0) {
    first_step_ = step;
    start_ = now;
  }
  const bool last = step >= total_steps_;
  if (drawn_ && !last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;

  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? (step - first_step_) / elapsed : 0.0;
  const double eta = rate > 0 ? (total_steps_ - step) / rate : 0.0;
  constexpr int kWidth = 24;
  const int filled = total_steps_ > 0 ? static_cast<int>(kWidth * step / total_steps_) : kWidth;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %lld/%lld  %.1f it/s  ETA %.0fs  %s\033[K", bar.c_str(),
               static_cast<long long>(step), static_cast<long long>(total_steps_), rate, eta,
               latest_metric.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace diffctl
