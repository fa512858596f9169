#include "layers/conv2d.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/one_channel_conv.hpp"
#include "kernels/vec.hpp"
#include "kernels/winograd.hpp"
#include "layers/backward_scratch.hpp"
#include "layers/initializers.hpp"
#include "layers/keras_json.hpp"
#include "layers/window.hpp"

namespace convlab {

Conv2D::Conv2D(std::string name, int filters, int kernel_h, int kernel_w, int stride_h,
               int stride_w, Padding padding, ActivationFn activation, bool use_bias,
               Regularizer kernel_regularizer)
    : Layer(std::move(name)),
      filters_(filters),
      spec_{"kernel", kernel_h, kernel_w, stride_h, stride_w, padding},
      activation_(activation),
      use_bias_(use_bias),
      kernel_regularizer_(kernel_regularizer) {
  check_positive(name_ + ": Conv2D", "filters", filters);
  check_window_args(name_ + ": Conv2D", spec());
}

Shape Conv2D::output_shape_for(const Shape& input_shape) const {
  const Window2D g = window_geometry(name_ + ": Conv2D", input_shape, spec());
  return {std::size_t(g.OH), std::size_t(g.OW), std::size_t(filters_)};
}

double Conv2D::weight_floats(const Shape& input_shape) const {
  return double(spec_.kh) * spec_.kw * double(input_shape[2]) * filters_ + filters_;
}

double Conv2D::scratch_floats(const Shape& input_shape, const Shape& output_shape) const {
  const double C = double(input_shape[2]);
  const double pixels = double(output_shape[0]) * double(output_shape[1]);
  // dz, and the pre-activation values swish and gelu keep
  double floats = pixels * filters_ * (activation_needs_input(activation_) ? 2 : 1);
  // dcols, where the input gradient's gemm cannot add into dx's windows (input_gradient).
  if (std::fmod(double(spec_.kw) * C, 8.0) != 0.0) floats += pixels * spec_.kh * spec_.kw * C;
  // x and dx with their padding pixels, when the windows reach past the input.
  const double padded_h = (double(output_shape[0]) - 1) * spec_.stride_h + spec_.kh;
  const double padded_w = (double(output_shape[1]) - 1) * spec_.stride_w + spec_.kw;
  if (spec_.padding == Padding::same &&
      (padded_h > double(input_shape[0]) || padded_w > double(input_shape[1])))
    floats += 2 * padded_h * padded_w * C;
  if (winograd_applies(spec_.kh, spec_.kw, spec_.stride_h, spec_.stride_w, int(input_shape[2]))) {
    // The kernel gradient's transforms: 36 points per 4x4 tile, for C and F.
    const double tiles =
        std::ceil(double(output_shape[0]) / 4) * std::ceil(double(output_shape[1]) / 4);
    floats += 36 * tiles * (C + filters_);
  }
  return floats;
}

Shape Conv2D::build(const Shape& input_shape, Rng& rng) {
  g_ = window_geometry(name_ + ": Conv2D", input_shape, spec());
  const int C = g_.C;

  const std::size_t kh = spec_.kh, kw = spec_.kw, F = filters_;
  kernel_ = Tensor::from_shape({kh, kw, std::size_t(C), F});
  glorot_uniform(kernel_, kh * kw * C, kh * kw * F, rng);
  bias_ = xt::zeros<float>({F});
  grad_kernel_ = xt::zeros<float>(kernel_.shape());
  grad_bias_ = xt::zeros<float>(bias_.shape());

  // 3x3 at stride 1: Winograd where its gemms' inner dimension is deep enough: C for the
  // forward pass and the kernel gradient, F for the input gradient. The rest stays gemms over x
  // read in place.
  winograd_forward_ = winograd_applies(spec_.kh, spec_.kw, spec_.stride_h, spec_.stride_w, C);
  winograd_input_gradient_ =
      winograd_applies(spec_.kh, spec_.kw, spec_.stride_h, spec_.stride_w, filters_);
  one_channel_ = !winograd_forward_ && one_channel_conv_applies(C, filters_, spec_.kh, spec_.kw);
  std::size_t work = 0;
  if (winograd_forward_) work = winograd_workspace_floats(winograd_forward_shape(g_, filters_));
  if (winograd_input_gradient_)
    work = std::max(work, winograd_workspace_floats(winograd_input_gradient_shape(g_, filters_)));
  if (work > 0) {
    winograd_kernel_ = Tensor::from_shape({winograd_kernel_floats(C, filters_)});
    winograd_work_ = Tensor::from_shape({work});
  }
  return {std::size_t(g_.OH), std::size_t(g_.OW), F};
}

// The input as a sliding-window matrix: x itself when no padding is needed, else a zero-padded
// copy just large enough for the windows (the extra pixels of 'same' padding).
SlidingRows Conv2D::input_rows(const Tensor& x) {
  if (!needs_padding(g_)) return window_rows(g_, x.data(), g_.H, g_.W);
  const int H = padded_height(g_), W = padded_width(g_);
  ensure_shape(x_padded_, {std::size_t(g_.N), std::size_t(H), std::size_t(W), std::size_t(g_.C)});
  pad_images(g_, x.data(), H, W, x_padded_.data());
  return window_rows(g_, x_padded_.data(), H, W);
}

const Tensor& Conv2D::forward(const Tensor& x, Mode) {
  // The kernels index raw memory, so a mismatched batch would read out of bounds, not just give
  // wrong numbers.
  check_window_batch(name_, "Conv2D", g_, x);
  x_ = &x;
  ensure_shape(y_,
               {std::size_t(g_.N), std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(filters_)});
  // Bias and ReLU ride in the GEMM's epilogue while the tiles are in registers; other
  // activations still take their own sweep.
  GemmEpilogue epilogue;
  epilogue.bias = use_bias_ ? bias_.data() : nullptr;
  epilogue.relu = activation_ == ActivationFn::relu;
  float* y = y_.data();
  if (winograd_forward_) {
    winograd_kernel_transform(kernel_.data(), g_.C, filters_, false, winograd_kernel_.data());
    winograd_conv(winograd_forward_shape(g_, filters_), x.data(), winograd_kernel_.data(), y,
                  epilogue, winograd_work_.data());
  } else if (one_channel_) {
    rows_ = input_rows(x);
    one_channel_conv(rows_, g_.rows(), g_.kh, g_.kw, filters_, kernel_.data(), epilogue, y);
  } else {
    rows_ = input_rows(x);
    gemm(false, false, g_.rows(), filters_, g_.patch(), rows_, kernel_.data(), filters_, y,
         filters_, false, epilogue);
  }
  if (!epilogue.relu) activation_forward(activation_, y, g_.rows(), filters_, &pre_activation_);
  return y_;
}

const Tensor& Conv2D::backward(const Tensor& dy) {
  const int rows = g_.rows(), patch = g_.patch();
  // One channel without an input gradient: the kernel-gradient kernel applies ReLU's mask as it
  // reads dy, and dz is never written out.
  const bool fused_relu =
      one_channel_ && !input_gradient_needed_ && activation_ == ActivationFn::relu;
  const float* dz = dy.data();
  if (activation_ != ActivationFn::linear && !fused_relu) {
    float* dz_out = backward_scratch(BackwardBuffer::dz, std::size_t(rows) * filters_);
    activation_backward(activation_, y_.data(), dy.data(), dz_out, rows, filters_,
                        pre_activation_.data());
    dz = dz_out;
  }
  float* dbias = use_bias_ ? grad_bias_.data() : nullptr;
  if (winograd_forward_) {
    const WinogradShape s = winograd_forward_shape(g_, filters_);
    float* work =
        backward_scratch(BackwardBuffer::kernel_gradient, winograd_kernel_gradient_floats(s));
    winograd_kernel_gradient(s, x_->data(), dz, grad_kernel_.data(), work);
  } else if (one_channel_) {
    float* work = backward_scratch(BackwardBuffer::partial_sums,
                                   one_channel_gradients_floats(rows, g_.kh, g_.kw, filters_));
    one_channel_conv_gradients(rows_, rows, g_.kh, g_.kw, filters_,
                               fused_relu ? y_.data() : nullptr, dz, grad_kernel_.data(), dbias,
                               work);
    dbias = nullptr;  // summed on the way
  } else {
    // dkernel (kh*kw*C, F) = cols^T (kh*kw*C, rows) . dz (rows, F), cols read in place from x.
    gemm(true, false, patch, filters_, rows, rows_, dz, filters_, grad_kernel_.data(), filters_,
         false);
  }
  if (dbias) column_sums(dz, std::size_t(rows), std::size_t(filters_), dbias);
  if (input_gradient_needed_) {
    ensure_shape(dx_, {std::size_t(g_.N), std::size_t(g_.H), std::size_t(g_.W), std::size_t(g_.C)});
    input_gradient(dz);
  }
  return dx_;
}

// dx = col2im(dcols), dcols (rows, kh*kw*C) = dz (rows, F) . kernel^T (F, kh*kw*C). Where a
// kernel row is a multiple of 8 floats, the gemm adds its tiles straight into dx's windows
// (into a padded dx, cropped after, when there is padding); otherwise dcols is written out and
// col2im sums it back.
void Conv2D::input_gradient(const float* dz) {
  const int rows = g_.rows(), patch = g_.patch();
  if (winograd_input_gradient_) {
    winograd_kernel_transform(kernel_.data(), g_.C, filters_, true, winograd_kernel_.data());
    winograd_conv(winograd_input_gradient_shape(g_, filters_), dz, winograd_kernel_.data(),
                  dx_.data(), {}, winograd_work_.data());
    return;
  }
  if ((g_.kw * g_.C) % 8 != 0) {
    float* dcols = backward_scratch(BackwardBuffer::dcols, std::size_t(rows) * patch);
    gemm(false, true, rows, patch, filters_, dz, filters_, kernel_.data(), filters_, dcols, patch,
         false);
    col2im(g_, dcols, dx_.data());
    return;
  }
  float* target = dx_.data();
  int H = g_.H, W = g_.W;
  if (needs_padding(g_)) {
    H = padded_height(g_), W = padded_width(g_);
    target = backward_scratch(BackwardBuffer::dx_padded, std::size_t(g_.N) * H * W * g_.C);
  }
  gemm_into_windows(rows, patch, filters_, dz, filters_, true, kernel_.data(), filters_,
                    window_rows(g_, target, H, W));
  if (target != dx_.data()) crop_images(g_, target, H, W, dx_.data());
}

std::vector<Param> Conv2D::params() {
  std::vector<Param> p{{"kernel", &kernel_, &grad_kernel_, kernel_regularizer_}};
  if (use_bias_) p.push_back({"bias", &bias_, &grad_bias_, {}});
  return p;
}

Json Conv2D::config() const {
  Json c;
  c["filters"] = filters_;
  add_window_config(c, spec_);
  c["groups"] = 1;
  c["activation"] = activation_name(activation_);
  c["use_bias"] = use_bias_;
  add_kernel_bias_config(c, kernel_regularizer_);
  return c;
}

}  // namespace convlab
