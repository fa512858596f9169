// Reads one layer's Keras config object, checking every field's type and value, and rejecting
// fields it does not know with a did-you-mean hint:
//   "conv2d_1: Conv2D: unknown argument 'activatoin' (did you mean 'activation'?)"
// Fields that Keras writes but convlab does not vary (dtype, data_format, initializers...) are
// accepted at their default value and refused, with a clear message, at any other.
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "kernels/geometry.hpp"
#include "layers/activations.hpp"
#include "layers/regularizer.hpp"

namespace convlab {

class LayerArgs {
 public:
  // `where` prefixes every message, e.g. "conv2d_1: Conv2D".
  LayerArgs(const Json& config, std::string where);

  bool has(const std::string& key) const;
  bool is_null(const std::string& key) const;
  int positive_int(const std::string& key, std::optional<int> fallback = std::nullopt);
  float number(const std::string& key, float fallback);
  bool boolean(const std::string& key, bool fallback);
  // An int or a pair [a, b] / (a, b): kernel_size=3 means (3, 3).
  std::pair<int, int> int_pair(const std::string& key, std::optional<std::pair<int, int>> fallback);
  // Like int_pair, but null gives `fallback` (MaxPooling2D strides=None).
  std::pair<int, int> int_pair_or_null(const std::string& key, std::pair<int, int> fallback);
  Padding padding(const std::string& key = "padding");
  // ZeroPadding2D's padding: p, (ph, pw) or ((top, bottom), (left, right)), as
  // {top, bottom, left, right}.
  std::array<int, 4> padding_amounts(const std::string& key, int fallback);
  // Reshape's target_shape: positive sizes with at most one -1, given back as 0.
  Shape target_shape(const std::string& key);
  ActivationFn activation(const std::string& key = "activation");
  Regularizer regularizer(const std::string& key);
  // input_shape / batch_input_shape / batch_shape, without the batch dimension.
  std::optional<Shape> input_shape();

  // Accepts the field if absent, null, or equal to one of `allowed`; otherwise explains that
  // convlab does not support other values.
  void only(const std::string& key, const std::vector<Json>& allowed);
  // Accepts an initializer field when it names the Keras default initializer.
  void initializer(const std::string& key, const std::string& default_class);

  // Throws for the first field nobody asked about.
  void finish() const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  const Json* get(const std::string& key);
  const Json& config_;
  std::string where_;
  std::set<std::string> used_;
};

// Levenshtein distance, for did-you-mean hints.
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace convlab
