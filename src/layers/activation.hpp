// Activation (Keras): applies one activation function; softmax normalises the last axis.
//   in (N, ...)  out (N, ...)  no params
#pragma once

#include "layers/activations.hpp"
#include "layers/layer.hpp"

namespace convlab {

class Activation : public Layer {
 public:
  Activation(std::string name, ActivationFn fn);

  const char* class_name() const override { return "Activation"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  ActivationFn fn_;
  Tensor y_;   // (N, ...) kept for backward: activation_backward works from the output
  Tensor dx_;  // (N, ...)
  std::vector<float> pre_activation_;  // swish and gelu only: the values before the activation
};

}  // namespace convlab
