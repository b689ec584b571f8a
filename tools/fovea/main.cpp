// fovea: the command-line front end (placeholder until the CLI lands).
#include <cstdio>

#include "engine/model_import.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  auto g = fovea::load_onnx_model(argv[1]);
  if (!g.is_ok()) {
    std::fprintf(stderr, "error: %s\n", g.status().to_string().c_str());
    return 1;
  }
  std::printf("%s", g->dump().c_str());
  return 0;
}
