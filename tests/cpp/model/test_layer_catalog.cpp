#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "error_of.hpp"
#include "model/layer_catalog.hpp"
#include "test_files.hpp"

using namespace convlab;

TEST_CASE("web/lib/layer_catalog.mjs is the engine's catalog as written by write_layer_catalog") {
  const std::string committed =
      testing::read_text(std::string(CONVLAB_FIXTURES) + "/../../web/lib/layer_catalog.mjs");
  INFO("stale: run build/native/write_layer_catalog after changing src/model/layer_catalog.cpp");
  CHECK(committed == layer_catalog_module());
}

TEST_CASE("every catalog name, class or alias, is found once and maps to its own entry") {
  std::set<std::string> names, bases;
  for (const LayerEntry& e : layer_catalog()) {
    CHECK(names.insert(e.class_name).second);
    CHECK(find_layer(e.class_name) == &e);
    for (const std::string& alias : e.aliases) {
      CHECK(names.insert(alias).second);
      CHECK(find_layer(alias) == &e);
    }
    CHECK(keras_base_name(e.class_name, 0) == e.base_name);
    // Required arguments and code's leading ones are among the signature's positional ones.
    CHECK(e.code_positional <= int(e.positional.size()));
    for (const std::string& r : e.required)
      CHECK(std::find(e.positional.begin(), e.positional.end(), r) != e.positional.end());
  }
  CHECK(find_layer("Conv3D") == nullptr);
}

TEST_CASE("an unknown layer type names the catalog's layers and the closest one") {
  const std::string message = testing::error_of([] { keras_base_name("Conv2d", 4); });
  CHECK(message.find("layer 4: unknown layer type 'Conv2d' (did you mean 'Conv2D'?)") == 0);
  for (const LayerEntry& e : layer_catalog())
    CHECK(message.find(e.class_name) != std::string::npos);
}
