// Reshape (Keras): the same values in a new sample shape; one size may be -1, inferred.
//   in (N, ...)  out (N, target_shape...)  no params
#pragma once

#include "layers/layer.hpp"

namespace convlab {

class Reshape : public Layer {
 public:
  // target: positive sizes, with 0 for the one -1 (inferred at build).
  Reshape(std::string name, Shape target);

  const char* class_name() const override { return "Reshape"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  Shape target_;    // as given (0 for -1), what config() writes
  Shape out_, in_;  // resolved sample shapes
  std::size_t n_ = 0;
  Tensor y_, dx_;
};

}  // namespace convlab
