// Dense (Keras): y = activation(x . kernel + bias)
//   in (N, D)  out (N, U)  params: kernel (D, U) glorot_uniform, bias (U) zeros
// Unlike Keras, which applies Dense to the last axis of any input, convlab asks for a flat
// input: every course model flattens first, and a missing Flatten is the commonest mistake.
#pragma once

#include "layers/activations.hpp"
#include "layers/layer.hpp"

namespace convlab {

class Dense : public Layer {
 public:
  Dense(std::string name, int units, ActivationFn activation = ActivationFn::linear,
        bool use_bias = true, Regularizer kernel_regularizer = {});

  const char* class_name() const override { return "Dense"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  double weight_floats(const Shape& input_shape) const override;
  double scratch_floats(const Shape& input_shape, const Shape& output_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  Json config() const override;

 private:
  int units_;
  ActivationFn activation_;
  bool use_bias_;
  Regularizer kernel_regularizer_;
  std::size_t in_ = 0;

  Tensor kernel_, bias_;  // (D, U), (U)
  Tensor grad_kernel_, grad_bias_;
  const Tensor* x_ = nullptr;          // (N, D), kept from forward
  Tensor y_;                           // (N, U)
  Tensor dz_;                          // (N, U) gradient before the activation
  Tensor dx_;                          // (N, D)
  std::vector<float> pre_activation_;  // swish and gelu only: the values before the activation
};

}  // namespace convlab
