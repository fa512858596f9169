// DepthwiseConv2D (Keras): each input channel convolved with its own depth_multiplier filters,
// y = activation(depthwise(x, depthwise_kernel) + bias); channels last, no dilation.
//   in (N, H, W, C)  out (N, OH, OW, C * M), output channel c * M + m from input channel c
//   params: depthwise_kernel (kh, kw, C, M) glorot_uniform (fan_in = kh*kw*C,
//           fan_out = kh*kw*M, as Keras counts a 4-D kernel), bias (C * M) zeros
//   OH, OW follow TensorFlow's 'valid' / 'same' rules (kernels/geometry.hpp); padding pixels
//   are zeros. Direct loops: the layer is C times cheaper than a Conv2D of the same shape.
#pragma once

#include "layers/activations.hpp"
#include "layers/layer.hpp"
#include "layers/window.hpp"

namespace convlab {

class DepthwiseConv2D : public Layer {
 public:
  DepthwiseConv2D(std::string name, int kernel_h, int kernel_w, int stride_h = 1, int stride_w = 1,
                  Padding padding = Padding::valid, int depth_multiplier = 1,
                  ActivationFn activation = ActivationFn::linear, bool use_bias = true);

  const char* class_name() const override { return "DepthwiseConv2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  double weight_floats(const Shape& input_shape) const override;
  double scratch_floats(const Shape& input_shape, const Shape& output_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  Json config() const override;

  // The depthwise step without bias or activation, shared with SeparableConv2D.
  static void convolve(const Window2D& g, int M, const float* x, const float* kernel, float* y);
  // Accumulates nothing: overwrites dkernel and (when dx) dx.
  static void convolve_backward(const Window2D& g, int M, const float* x, const float* kernel,
                                const float* dz, float* dkernel, float* dx);

 private:
  const WindowSpec& spec() const { return spec_; }
  WindowSpec spec_;
  int depth_multiplier_;
  ActivationFn activation_;
  bool use_bias_;
  Window2D g_{};
  Tensor kernel_, bias_, grad_kernel_, grad_bias_;
  const Tensor* x_ = nullptr;
  Tensor y_, dz_, dx_;
  std::vector<float> pre_activation_;  // swish and gelu only: the values before the activation
};

}  // namespace convlab
