// The JS <-> C++ conversions under the Embind block (bindings.cpp): typed arrays are copied in
// and out (never kept as views of wasm memory), and C++ errors become JS Errors carrying the
// engine's message. Every bound call goes through guard().
#pragma once

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "trainer.hpp"

namespace convlab::js {

using emscripten::val;
using Float32Array = emscripten::val;
using TypedArray = emscripten::val;  // Uint8Array or Float32Array

template <typename F>
auto guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const LayerError& e) {
    // The layer travels as data (error.layer, error.layerIndex), not inside the sentence.
    val error = val::global("Error").new_(std::string(e.what()));
    error.set("layer", e.layer);
    error.set("layerIndex", e.index);
    error.throw_();
  } catch (const std::exception& e) {
    val::global("Error").new_(std::string(e.what())).throw_();
  }
}

template <typename T>
val copy_out(const T* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

void copy_in(const val& array, std::vector<float>& out);
std::vector<float> floats(const val& array);
Shape to_shape(const val& array);

Trainer* make_trainer(const std::string& model_json, unsigned seed, val input_shape);
BatchStats on_batch(Trainer& t, const Float32Array& x, const Float32Array& y, bool training);
BatchStats evaluate(Trainer& t, const Float32Array& x, const Float32Array& y, int batch_size);
Float32Array layer_output(Trainer& t, const Float32Array& x, int layer);
void set_data(Trainer& t, const std::string& slot, const TypedArray& x, const Float32Array& y);
// prefix: the file's first bytes (at least its header); the data stays in JS, read in place.
val idx_images_header(const TypedArray& prefix, double file_size, const std::string& file);
val idx_labels_header(const TypedArray& prefix, double file_size, const std::string& file);
val npy_header(const TypedArray& prefix, double file_size, const std::string& file);

}  // namespace convlab::js
