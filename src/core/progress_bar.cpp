#include "core/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace fovea {

ProgressBar::ProgressBar(std::string label, int total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(int done, const std::string& item) {
  if (!enabled_ || finished_) return;
  const double frac = total_ > 0 ? static_cast<double>(done) / total_ : 1.0;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(filled, '=');
    if (filled < kWidth) bar += '>' + std::string(kWidth - filled - 1, ' ');
    std::string shown = item.size() > 40 ? item.substr(0, 37) + "..." : item;
    std::fprintf(stderr, "\r%s [%s] %d/%d %5.1fs %-40s", label_.c_str(), bar.c_str(), done, total_, secs,
                 shown.c_str());
    std::fflush(stderr);
  } else {
    const int decile = static_cast<int>(frac * 10);
    if (decile != last_decile_) {
      last_decile_ = decile;
      std::fprintf(stderr, "%s: %d/%d (%.1fs)\n", label_.c_str(), done, total_, secs);
    }
  }
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (tty_) std::fprintf(stderr, "\n");
}

}  // namespace fovea
