// SeparableConv2D (Keras): a depthwise convolution (DepthwiseConv2D's step, no bias) followed by
// a 1x1 convolution to `filters` channels, y = activation(pointwise(depthwise(x)) + bias).
//   in (N, H, W, C)  out (N, OH, OW, F)
//   params, in Keras's order: depthwise_kernel (kh, kw, C, M) glorot_uniform,
//           pointwise_kernel (1, 1, C * M, F) glorot_uniform, bias (F) zeros
// The pointwise step is one gemm over the depthwise output's pixels.
#pragma once

#include "layers/activations.hpp"
#include "layers/layer.hpp"
#include "layers/window.hpp"

namespace convlab {

class SeparableConv2D : public Layer {
 public:
  SeparableConv2D(std::string name, int filters, int kernel_h, int kernel_w, int stride_h = 1,
                  int stride_w = 1, Padding padding = Padding::valid, int depth_multiplier = 1,
                  ActivationFn activation = ActivationFn::linear, bool use_bias = true);

  const char* class_name() const override { return "SeparableConv2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  double weight_floats(const Shape& input_shape) const override;
  double scratch_floats(const Shape& input_shape, const Shape& output_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  Json config() const override;

 private:
  const WindowSpec& spec() const { return spec_; }
  int filters_;
  WindowSpec spec_;
  int depth_multiplier_;
  ActivationFn activation_;
  bool use_bias_;
  Window2D g_{};
  Tensor depthwise_, pointwise_, bias_;  // (kh, kw, C, M), (1, 1, C*M, F), (F)
  Tensor grad_depthwise_, grad_pointwise_, grad_bias_;
  const Tensor* x_ = nullptr;
  Tensor d_;                           // (N*OH*OW, C*M) the depthwise output
  Tensor dd_;                          // its gradient
  Tensor y_;                           // (N, OH, OW, F)
  Tensor dz_;                          // (N*OH*OW, F)
  Tensor dx_;                          // (N, H, W, C)
  std::vector<float> pre_activation_;  // swish and gelu only: the values before the activation
};

}  // namespace convlab
