// The one list of the layers convlab builds (Keras class names, aliases, signatures), read by the
// engine to turn a Keras config into layers and written out for the JS side as
// web/lib/layer_catalog.mjs (layer_catalog_module(); tests/cpp/model/test_layer_catalog.cpp fails
// when that file is stale). Adding a layer: see the note in layers/layer.hpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"
#include "model/layer_args.hpp"

namespace convlab {

struct LayerEntry {
  std::string class_name;            // what Keras's to_json() writes: "Conv2D"
  std::vector<std::string> aliases;  // other Keras names for the same class: "Convolution2D"
  std::string base_name;             // auto-numbering and summary rows: "conv2d", "conv2d_1"
  // Keras's signature (tf.keras 2.x positional order, the course's), for the Python parser:
  std::vector<std::string> positional;
  std::vector<std::string> keywords;  // keyword-only arguments beside name/input_shape/dtype
  std::vector<std::string> required;
  int code_positional;  // how many leading arguments generated model code writes positionally
  // The experiments table's architecture token, "{field}" replaced by the config's value:
  // "C{filters}" gives C32; empty leaves the layer out of the string.
  std::string token;
  // Reads the config (the caller then calls args.finish()).
  std::unique_ptr<Layer> (*make)(const std::string& name, LayerArgs& args);
};

const std::vector<LayerEntry>& layer_catalog();

// The entry for a class name or alias; nullptr when there is none.
const LayerEntry* find_layer(const std::string& class_name);

// The Keras snake_case base name for auto-numbering: "Conv2D" -> "conv2d". Throws for unknown
// classes: "layer 3: unknown layer type 'Conv3D' (did you mean ...?); supported: Conv2D, ...".
std::string keras_base_name(const std::string& class_name, std::size_t index);

// Reads every field of `args` (then calls args.finish()).
std::unique_ptr<Layer> make_layer(const std::string& class_name, const std::string& name,
                                  LayerArgs& args);

// The text of web/lib/layer_catalog.mjs: the catalog without its factories, as JSON.
std::string layer_catalog_module();

}  // namespace convlab
