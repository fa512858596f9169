// Flatten (Keras): (N, d1, d2, ...) -> (N, d1*d2*...), no params.
// NHWC tensors are row-major, so the flat order is (h, w, c), channel fastest, exactly as Keras
// flattens a channels_last image: a Dense kernel trained in Keras lines up entry for entry.
#pragma once

#include "layers/layer.hpp"

namespace convlab {

class Flatten : public Layer {
 public:
  explicit Flatten(std::string name);

  const char* class_name() const override { return "Flatten"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  std::size_t features_ = 0;
  Shape x_shape_;  // (N, ...) of the last forward, the shape dx is given back in
  Tensor y_;       // (N, features)
  Tensor dx_;      // (N, ...)
};

}  // namespace convlab
