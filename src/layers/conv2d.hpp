// Conv2D (Keras): y = activation(conv(x, kernel) + bias), channels last, no dilation, one group.
//   in (N, H, W, C)  out (N, OH, OW, F)
//   params: kernel (kh, kw, C, F) glorot_uniform (fan_in = kh*kw*C, fan_out = kh*kw*F),
//           bias (F) zeros
//   OH, OW follow TensorFlow's 'valid' / 'same' rules (kernels/geometry.hpp).
// Computed as gemms over the input read in place as im2col's matrix (SlidingRows): forward (NN)
// and the kernel gradient (TN) never copy the windows out, and the input gradient (NT) adds its
// tiles straight back into dx's windows (gemm_into_windows) where a kernel row is a multiple of
// 8 floats; other shapes write dL/dcols and col2im sums it back. The backward pass's own
// buffers (dL/dz, dL/dcols, a padded dL/dx, the kernel gradient's work) are the thread's shared
// backward_scratch, not the layer's.
// 3x3 kernels at stride 1 (the course's) take Winograd F(4x4, 3x3) for the forward pass and the
// input gradient and kernel gradient instead (kernels/winograd.hpp): 36 multiplies per 16
// outputs, not 144.
#pragma once

#include "kernels/gemm.hpp"
#include "kernels/geometry.hpp"
#include "layers/activations.hpp"
#include "layers/layer.hpp"
#include "layers/window.hpp"

namespace convlab {

class Conv2D : public Layer {
 public:
  Conv2D(std::string name, int filters, int kernel_h, int kernel_w, int stride_h = 1,
         int stride_w = 1, Padding padding = Padding::valid,
         ActivationFn activation = ActivationFn::linear, bool use_bias = true,
         Regularizer kernel_regularizer = {});

  const char* class_name() const override { return "Conv2D"; }
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
  ActivationFn activation_;
  bool use_bias_;
  Regularizer kernel_regularizer_;
  Window2D g_{};  // everything but N is fixed by build

  Tensor kernel_, bias_;  // (kh, kw, C, F), (F)
  Tensor grad_kernel_, grad_bias_;
  SlidingRows input_rows(const Tensor& x);
  void input_gradient(const float* dz);

  const Tensor* x_ = nullptr;          // (N, H, W, C), kept from forward
  Tensor x_padded_;                    // x with its padding pixels, when it has any
  SlidingRows rows_{};                 // x (or x_padded_) as im2col's matrix, from forward
  Tensor y_;                           // (N, OH, OW, F)
  Tensor dx_;                          // (N, H, W, C)
  std::vector<float> pre_activation_;  // swish and gelu only: the values before the activation
  // Winograd F(4x4, 3x3) for the forward pass and the input gradient, where it applies:
  bool winograd_forward_ = false, winograd_input_gradient_ = false;
  Tensor winograd_kernel_;  // the kernel transformed for the pass at hand (36 * C * F)
  Tensor winograd_work_;    // winograd_conv's scratch, sized at build for any batch
  // One input channel (a first layer): direct kernels instead of the thin gemms.
  bool one_channel_ = false;
};

}  // namespace convlab
