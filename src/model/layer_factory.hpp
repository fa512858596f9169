// Maps a Keras layer class name and config to a convlab layer.
#pragma once

#include <memory>
#include <string>

#include "layers/layer.hpp"
#include "model/layer_args.hpp"

namespace convlab {

// The Keras snake_case base name for auto-numbering: "Conv2D" -> "conv2d". Throws for unknown
// classes: "layer 3: unknown layer type 'Conv3D' (supported: Conv2D, ...)".
std::string keras_base_name(const std::string& class_name, std::size_t index);

// Reads every field of `args` (then calls args.finish()).
std::unique_ptr<Layer> make_layer(const std::string& class_name, const std::string& name,
                                  LayerArgs& args);

}  // namespace convlab
