// Rescaling (Keras): y = x * scale + offset, e.g. Rescaling(1./255) for pixels in [0, 255].
//   in (N, ...)  out (N, ...)  no params
#pragma once

#include "layers/layer.hpp"

namespace convlab {

class Rescaling : public Layer {
 public:
  Rescaling(std::string name, float scale, float offset = 0.0f);

  const char* class_name() const override { return "Rescaling"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  float scale_, offset_;
  Tensor y_, dx_;
};

}  // namespace convlab
