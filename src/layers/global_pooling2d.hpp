// GlobalAveragePooling2D and GlobalMaxPooling2D (Keras, keepdims=False): the mean or the maximum
// of each channel over all pixels.
//   in (N, H, W, C)  out (N, C)  no params
//   The maximum's gradient goes to the first pixel holding it (as TensorFlow's argmax).
#pragma once

#include <cstdint>
#include <vector>

#include "layers/layer.hpp"

namespace convlab {

class GlobalPooling2D : public Layer {
 public:
  enum class Kind { average, max };
  GlobalPooling2D(std::string name, Kind kind);

  const char* class_name() const override;
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  Kind kind_;
  std::size_t height_ = 0, width_ = 0, pixels_ = 0, channels_ = 0;  // H, W, H * W, C
  std::size_t n_ = 0;
  Tensor y_;                     // (N, C)
  std::vector<int32_t> argmax_;  // max: the winning pixel of each (n, c); only grows
  Tensor dx_;                    // (N, H, W, C)
};

}  // namespace convlab
