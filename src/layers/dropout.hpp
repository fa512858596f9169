// Dropout (Keras), inverted form: in training each unit is kept with probability 1 - rate and
// kept units are scaled by 1 / (1 - rate), so inference is the identity and needs no rescaling.
//   in (N, ...)  out (N, ...)  no params
// The mask is drawn from the Rng given to build() on every training forward and kept for
// backward: dx = dy * mask.
#pragma once

#include "layers/layer.hpp"

namespace convlab {

class Dropout : public Layer {
 public:
  // Throws Error unless 0 <= rate < 1.
  Dropout(std::string name, float rate);

  const char* class_name() const override { return "Dropout"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  double scratch_floats(const Shape& input_shape, const Shape& output_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  float rate_;
  Rng* rng_ = nullptr;   // the model's generator; it outlives the layer
  bool masked_ = false;  // the last forward applied a mask (training with rate > 0)
  Tensor mask_;          // (N, ...) 0 or 1 / (1 - rate)
  Tensor y_;             // (N, ...)
  Tensor dx_;            // (N, ...)
};

}  // namespace convlab
