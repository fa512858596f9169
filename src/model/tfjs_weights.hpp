// A model's weights in TF.js's layers format (model.json's weightsManifest + weights.bin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/sequential.hpp"

namespace convlab {

// [{"name": "conv2d/kernel", "shape": [3, 3, 1, 32]}, ...] in Keras's weight order.
std::string tfjs_weights_manifest(Sequential& model);

// Loads every weight named in the manifest (a model.json object or its weightsManifest list) from
// `bytes`. Names may carry TF.js prefixes and ":0" suffixes. All or nothing: every check (names,
// shapes, dtype, sizes, finite values) runs before the first weight is overwritten, and the error
// names the file and the weight.
void load_tfjs_weights(Sequential& model, const std::string& manifest_json, const uint8_t* bytes,
                       std::size_t size);

}  // namespace convlab
