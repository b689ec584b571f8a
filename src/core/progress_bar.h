// A one-line progress bar on stderr for long loops (builds, many input files). On a terminal
// it redraws in place; otherwise it prints a line at every 10%.
#pragma once

#include <chrono>
#include <string>

namespace fovea {

class ProgressBar {
 public:
  ProgressBar(std::string label, int total, bool enabled = true);
  ~ProgressBar() { finish(); }
  // Sets the count done and the current item's name.
  void update(int done, const std::string& item = {});
  void finish();

 private:
  std::string label_;
  int total_;
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace fovea
