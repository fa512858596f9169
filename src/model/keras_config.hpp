// Sequential models from Keras model configs, and back.
//
// Accepted input (the JSON text):
//  1. What Keras's model.to_json() writes (tf.keras 2.x and Keras 3):
//       {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
//          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1]}},
//          {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 32, ...}}, ...]}}
//     (also the older form where "config" is the list of layers itself).
//  2. A terse form for hand-written configs:
//       {"name": "lab", "input_shape": [28, 28, 1], "layers": [
//          {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu"}},
//          "MaxPooling2D", "Flatten", {"Dense": {"units": 10, "activation": "softmax"}}]}
// The input shape comes from an InputLayer, the first layer's input_shape/batch_input_shape,
// the terse "input_shape", or else `default_input_shape` (the data's shape, which is how Keras
// builds a model given without one). Unnamed layers are numbered like Keras: conv2d, conv2d_1...
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/rng.hpp"
#include "model/sequential.hpp"

namespace convlab {

std::unique_ptr<Sequential> model_from_json(const std::string& text, Rng& rng,
                                            const std::optional<Shape>& default_input_shape = {});

// The tf.keras 2.x model.to_json() form (what TF.js's loadLayersModel reads).
std::string model_to_json(Sequential& model);

}  // namespace convlab
