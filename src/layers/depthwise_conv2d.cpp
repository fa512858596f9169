#include "layers/depthwise_conv2d.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "kernels/vec.hpp"
#include "layers/initializers.hpp"
#include "layers/keras_json.hpp"

namespace convlab {

DepthwiseConv2D::DepthwiseConv2D(std::string name, int kernel_h, int kernel_w, int stride_h,
                                 int stride_w, Padding padding, int depth_multiplier,
                                 ActivationFn activation, bool use_bias)
    : Layer(std::move(name)),
      spec_{"kernel", kernel_h, kernel_w, stride_h, stride_w, padding},
      depth_multiplier_(depth_multiplier),
      activation_(activation),
      use_bias_(use_bias) {
  check_window_args(name_ + ": DepthwiseConv2D", spec());
  check_positive(name_ + ": DepthwiseConv2D", "depth_multiplier", depth_multiplier);
}

Shape DepthwiseConv2D::output_shape_for(const Shape& input_shape) const {
  const Window2D g = window_geometry(name_ + ": DepthwiseConv2D", input_shape, spec());
  return {std::size_t(g.OH), std::size_t(g.OW), input_shape[2] * std::size_t(depth_multiplier_)};
}

double DepthwiseConv2D::weight_floats(const Shape& input_shape) const {
  const double channels = double(input_shape[2]) * depth_multiplier_;
  return double(spec_.kh) * spec_.kw * channels + channels;
}

double DepthwiseConv2D::scratch_floats(const Shape&, const Shape& output_shape) const {
  // dz, and the pre-activation values swish and gelu keep
  return double(output_shape[0]) * double(output_shape[1]) * double(output_shape[2]) *
         (activation_needs_input(activation_) ? 2 : 1);
}

Shape DepthwiseConv2D::build(const Shape& input_shape, Rng& rng) {
  g_ = window_geometry(name_ + ": DepthwiseConv2D", input_shape, spec());
  const std::size_t kh = spec_.kh, kw = spec_.kw, C = g_.C, M = depth_multiplier_;
  kernel_ = Tensor::from_shape({kh, kw, C, M});
  glorot_uniform(kernel_, kh * kw * C, kh * kw * M, rng);
  bias_ = xt::zeros<float>({C * M});
  grad_kernel_ = xt::zeros<float>(kernel_.shape());
  grad_bias_ = xt::zeros<float>(bias_.shape());
  return {std::size_t(g_.OH), std::size_t(g_.OW), C * M};
}

void DepthwiseConv2D::convolve(const Window2D& g, int M, const float* x, const float* kernel,
                               float* y) {
  const std::size_t C = g.C, CM = C * M;
  for (int n = 0; n < g.N; ++n) {
    const float* img = x + std::size_t(n) * g.H * g.W * C;
    for (int oy = 0; oy < g.OH; ++oy)
      for (int ox = 0; ox < g.OW; ++ox, y += CM) {
        std::fill(y, y + CM, 0.0f);
        for (int ky = 0; ky < g.kh; ++ky) {
          const int iy = oy * g.stride_h - g.pad_top + ky;
          if (iy < 0 || iy >= g.H) continue;  // a zero padding row
          for (int kx = 0; kx < g.kw; ++kx) {
            const int ix = ox * g.stride_w - g.pad_left + kx;
            if (ix < 0 || ix >= g.W) continue;
            const float* px = img + (std::size_t(iy) * g.W + ix) * C;
            const float* k = kernel + (std::size_t(ky) * g.kw + kx) * CM;
            for (std::size_t c = 0; c < C; ++c)
              for (int m = 0; m < M; ++m) y[c * M + m] += px[c] * k[c * M + m];
          }
        }
      }
  }
}

void DepthwiseConv2D::convolve_backward(const Window2D& g, int M, const float* x,
                                        const float* kernel, const float* dz, float* dkernel,
                                        float* dx) {
  const std::size_t C = g.C, CM = C * M;
  std::fill(dkernel, dkernel + std::size_t(g.kh) * g.kw * CM, 0.0f);
  if (dx) std::fill(dx, dx + std::size_t(g.N) * g.H * g.W * C, 0.0f);
  for (int n = 0; n < g.N; ++n) {
    const std::size_t image = std::size_t(n) * g.H * g.W * C;
    for (int oy = 0; oy < g.OH; ++oy)
      for (int ox = 0; ox < g.OW; ++ox, dz += CM)
        for (int ky = 0; ky < g.kh; ++ky) {
          const int iy = oy * g.stride_h - g.pad_top + ky;
          if (iy < 0 || iy >= g.H) continue;
          for (int kx = 0; kx < g.kw; ++kx) {
            const int ix = ox * g.stride_w - g.pad_left + kx;
            if (ix < 0 || ix >= g.W) continue;
            const std::size_t pixel = image + (std::size_t(iy) * g.W + ix) * C;
            const std::size_t tap = (std::size_t(ky) * g.kw + kx) * CM;
            for (std::size_t c = 0; c < C; ++c)
              for (int m = 0; m < M; ++m) {
                dkernel[tap + c * M + m] += x[pixel + c] * dz[c * M + m];
                if (dx) dx[pixel + c] += kernel[tap + c * M + m] * dz[c * M + m];
              }
          }
        }
  }
}

const Tensor& DepthwiseConv2D::forward(const Tensor& x, Mode) {
  check_window_batch(name_, "DepthwiseConv2D", g_, x);
  x_ = &x;
  const std::size_t CM = std::size_t(g_.C) * depth_multiplier_;
  ensure_shape(y_, {std::size_t(g_.N), std::size_t(g_.OH), std::size_t(g_.OW), CM});
  convolve(g_, depth_multiplier_, x.data(), kernel_.data(), y_.data());
  const std::size_t rows = std::size_t(g_.rows());
  float* y = y_.data();
  if (use_bias_)
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < CM; ++j) y[r * CM + j] += bias_.data()[j];
  activation_forward(activation_, y, rows, CM, &pre_activation_);
  return y_;
}

const Tensor& DepthwiseConv2D::backward(const Tensor& dy) {
  const std::size_t CM = std::size_t(g_.C) * depth_multiplier_, rows = std::size_t(g_.rows());
  ensure_shape(dz_, {rows, CM});
  activation_backward(activation_, y_.data(), dy.data(), dz_.data(), rows, CM,
                      pre_activation_.data());
  if (use_bias_) column_sums(dz_.data(), rows, CM, grad_bias_.data());
  float* dx = nullptr;
  if (input_gradient_needed_) {
    ensure_shape(dx_, {std::size_t(g_.N), std::size_t(g_.H), std::size_t(g_.W), std::size_t(g_.C)});
    dx = dx_.data();
  }
  convolve_backward(g_, depth_multiplier_, x_->data(), kernel_.data(), dz_.data(),
                    grad_kernel_.data(), dx);
  return dx_;
}

std::vector<Param> DepthwiseConv2D::params() {
  std::vector<Param> p{{"depthwise_kernel", &kernel_, &grad_kernel_, {}}};
  if (use_bias_) p.push_back({"bias", &bias_, &grad_bias_, {}});
  return p;
}

Json DepthwiseConv2D::config() const {
  Json c;
  c["kernel_size"] = {spec_.kh, spec_.kw};
  c["strides"] = {spec_.stride_h, spec_.stride_w};
  c["padding"] = padding_name(spec_.padding);
  c["depth_multiplier"] = depth_multiplier_;
  c["data_format"] = "channels_last";
  c["dilation_rate"] = {1, 1};
  c["activation"] = activation_name(activation_);
  c["use_bias"] = use_bias_;
  c["depthwise_initializer"] = keras_initializer("GlorotUniform");
  c["bias_initializer"] = keras_initializer("Zeros");
  for (const char* key : {"depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                          "depthwise_constraint", "bias_constraint"})
    c[key] = nullptr;
  return c;
}

}  // namespace convlab
