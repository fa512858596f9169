// Errors are exceptions carrying one readable line that names the file, layer or field at fault.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace convlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A constructor's check: throws "<who> <field> must be a positive integer, got <value>".
inline void check_positive(const std::string& who, const char* field, int value) {
  if (value <= 0)
    throw Error(who + " " + field + " must be a positive integer, got " + std::to_string(value));
}

// An Error about one layer of a model, which says which one as data (its position among the
// model's layers and its name), so a caller can point at the code that wrote the layer
// without reading the sentence. The message is the layer's own.
class LayerError : public Error {
 public:
  LayerError(std::size_t index, std::string layer, const std::string& what)
      : Error(what), index(index), layer(std::move(layer)) {}
  std::size_t index;
  std::string layer;
};

// f(), with any Error it throws made a LayerError of layer (index, name).
template <class F>
auto at_layer(std::size_t index, const std::string& name, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const LayerError&) {
    throw;
  } catch (const Error& e) {
    throw LayerError(index, name, e.what());
  }
}

}  // namespace convlab
