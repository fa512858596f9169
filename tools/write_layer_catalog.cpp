// Writes web/lib/layer_catalog.mjs (or the path given) from the engine's layer catalog, so that
// the page's Python parser, model code, TF.js import and experiments table read the same list as
// the engine. tests/cpp/model/test_layer_catalog.cpp fails while the committed file is stale.
#include <cstdio>
#include <fstream>
#include <string>

#include "model/layer_catalog.hpp"

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string(CONVLAB_SOURCE_DIR) + "/web/lib/layer_catalog.mjs";
  std::ofstream out(path, std::ios::binary);
  out << convlab::layer_catalog_module();
  if (!out) {
    std::fprintf(stderr, "write_layer_catalog: cannot write %s\n", path.c_str());
    return 1;
  }
  std::printf("wrote %s\n", path.c_str());
  return 0;
}
