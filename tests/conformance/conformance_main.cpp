// fovea_conformance: runs the ONNX backend test data (Debian's libonnx-testdata) on the CPU
// executor and reports passed / failed / unsupported / excluded per test and per suite.
// Each test runs in a forked child by default, so a crashing kernel fails only its own test.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "conformance_case.h"

namespace fs = std::filesystem;
using fovea::conformance::CaseResult;
using fovea::conformance::Outcome;

namespace {

const std::vector<std::string> kDefaultSuites = {"node", "pytorch-converted", "pytorch-operator", "simple"};

struct TestCase {
  std::string suite;
  std::string name;
  fs::path dir;
  CaseResult result;
  double seconds = 0;
};

// excluded.txt: `test_name  reason...` per line; '#' starts a comment.
bool read_exclusions(const std::string& path, std::map<std::string, std::string>& out) {
  std::ifstream in(path);
  if (!in) return path.empty();
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream ss(line);
    std::string name, reason;
    if (!(ss >> name)) continue;
    std::getline(ss, reason);
    reason.erase(0, reason.find_first_not_of(" \t"));
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
    if (reason.empty()) {
      std::fprintf(stderr, "error: %s:%d: exclusion of '%s' gives no reason\n", path.c_str(), line_no, name.c_str());
      return false;
    }
    out[name] = reason;
  }
  return true;
}

// Runs one case in a child process; a crash or abnormal exit fails the test.
CaseResult run_isolated(const std::string& dir, const std::string& device) {
  int fds[2];
  if (pipe(fds) != 0) return fovea::conformance::run_case(dir, device);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return fovea::conformance::run_case(dir, device);
  }
  if (pid == 0) {
    close(fds[0]);
    CaseResult r = fovea::conformance::run_case(dir, device);
    std::string msg = std::to_string(static_cast<int>(r.outcome)) + "\n" + r.detail;
    for (size_t off = 0; off < msg.size();) {
      ssize_t n = write(fds[1], msg.data() + off, msg.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string msg;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status))
    return {Outcome::kFailed, fmt::format("crashed with signal {} ({}); rerun with --no-fork under a debugger",
                                          WTERMSIG(status), strsignal(WTERMSIG(status)))};
  const size_t nl = msg.find('\n');
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nl == std::string::npos)
    return {Outcome::kFailed, "the test process exited abnormally"};
  return {static_cast<Outcome>(std::stoi(msg.substr(0, nl))), msg.substr(nl + 1)};
}

// The detail on one line: multi-line messages (lists of unsupported ops) joined with " | ".
std::string one_line(const std::string& s, size_t max_len) {
  std::string line;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') { line += s[i]; continue; }
    line += " |";
    while (i + 1 < s.size() && s[i + 1] == ' ') ++i;
    line += ' ';
  }
  if (max_len && line.size() > max_len) line = line.substr(0, max_len - 3) + "...";
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs the ONNX backend test data on fovea (CPU reference or CUDA backend)"};
  std::string data_dir = "/usr/share/libonnx-testdata/data";
  std::string excluded_file = FOVEA_CONFORMANCE_EXCLUDED;
  std::vector<std::string> filters, suites;
  bool verbose = false, table = false, no_fork = false;
  std::string device = "cpu", shard;
  app.add_option("--shard", shard, "K/N: run only every N-th test starting at K (0-based), to run shards in parallel");
  app.add_option("--device", device, "cpu (the reference executor) or gpu (the CUDA backend)")
      ->check(CLI::IsMember({"cpu", "gpu"}));
  app.add_option("--data-dir", data_dir, "folder holding the suites (node, pytorch-converted, ...)");
  app.add_option("--filter", filters, "run only tests whose name contains this (repeatable)");
  app.add_option("--suite", suites, "run only this suite (repeatable; default: node, pytorch-converted, "
                                    "pytorch-operator, simple)");
  app.add_option("--excluded", excluded_file, "exclusion list (`test_name reason` per line)");
  app.add_flag("--verbose,-v", verbose, "print every test's result and full detail as it runs");
  app.add_flag("--table", table, "print a per-test table, then totals per suite");
  app.add_flag("--no-fork", no_fork, "run tests in this process (for debuggers; a crash ends the run)");
  CLI11_PARSE(app, argc, argv);
  if (suites.empty()) suites = kDefaultSuites;

  std::map<std::string, std::string> excluded;
  if (!read_exclusions(excluded_file, excluded)) {
    if (!excluded_file.empty()) std::fprintf(stderr, "error: cannot read exclusion list '%s'\n", excluded_file.c_str());
    return 2;
  }

  std::vector<TestCase> cases;
  for (const auto& suite : suites) {
    const fs::path suite_dir = fs::path(data_dir) / suite;
    std::error_code ec;
    if (!fs::is_directory(suite_dir, ec)) {
      std::fprintf(stderr, "error: no suite folder '%s'\n", suite_dir.c_str());
      return 2;
    }
    std::vector<TestCase> found;
    for (const auto& e : fs::directory_iterator(suite_dir, ec)) {
      if (!fs::exists(e.path() / "model.onnx")) continue;
      const std::string name = e.path().filename().string();
      bool match = filters.empty();
      for (const auto& f : filters) match |= name.find(f) != std::string::npos;
      if (match) found.push_back({suite, name, e.path(), {}, 0});
    }
    std::sort(found.begin(), found.end(), [](const TestCase& a, const TestCase& b) { return a.name < b.name; });
    cases.insert(cases.end(), found.begin(), found.end());
  }
  if (!shard.empty()) {
    int k = -1, n = 0;
    if (std::sscanf(shard.c_str(), "%d/%d", &k, &n) != 2 || n < 1 || k < 0 || k >= n) {
      std::fprintf(stderr, "error: --shard '%s': expected K/N with 0 <= K < N\n", shard.c_str());
      return 2;
    }
    std::vector<TestCase> mine;
    for (size_t i = static_cast<size_t>(k); i < cases.size(); i += static_cast<size_t>(n)) mine.push_back(cases[i]);
    cases = std::move(mine);
  }
  if (cases.empty()) {
    std::fprintf(stderr, "error: no test matches\n");
    return 2;
  }

  for (auto& c : cases) {
    if (auto it = excluded.find(c.name); it != excluded.end()) {
      c.result = {Outcome::kExcluded, it->second};
    } else {
      const auto start = std::chrono::steady_clock::now();
      c.result = no_fork ? fovea::conformance::run_case(c.dir.string(), device) : run_isolated(c.dir.string(), device);
      c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (verbose) {
      std::printf("%-11s %s/%s (%.2fs)%s%s\n", outcome_name(c.result.outcome), c.suite.c_str(), c.name.c_str(),
                  c.seconds, c.result.detail.empty() ? "" : "\n    ", c.result.detail.c_str());
    } else if (!table && c.result.outcome == Outcome::kFailed) {
      std::printf("FAILED %s/%s: %s\n", c.suite.c_str(), c.name.c_str(), one_line(c.result.detail, 0).c_str());
    }
    std::fflush(stdout);
  }

  if (table) {
    std::printf("%-18s %-55s %-11s %s\n", "suite", "test", "result", "detail");
    for (const auto& c : cases)
      std::printf("%-18s %-55s %-11s %s\n", c.suite.c_str(), c.name.c_str(), outcome_name(c.result.outcome),
                  one_line(c.result.detail, 160).c_str());
    std::printf("\n");
  }

  // Totals per suite (and overall).
  std::map<std::string, std::array<int, 4>> totals;
  for (const auto& c : cases) {
    ++totals[c.suite][static_cast<int>(c.result.outcome)];
    ++totals["TOTAL"][static_cast<int>(c.result.outcome)];
  }
  std::printf("%-18s %7s %7s %11s %9s\n", "suite", "passed", "failed", "unsupported", "excluded");
  auto print_row = [&](const std::string& s) {
    const auto& t = totals[s];
    std::printf("%-18s %7d %7d %11d %9d\n", s.c_str(), t[0], t[1], t[2], t[3]);
  };
  for (const auto& s : suites)
    if (totals.count(s)) print_row(s);
  print_row("TOTAL");
  return totals["TOTAL"][static_cast<int>(Outcome::kFailed)] > 0 ? 1 : 0;
}
