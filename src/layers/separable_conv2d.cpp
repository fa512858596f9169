#include "layers/separable_conv2d.hpp"

#include "core/error.hpp"
#include "kernels/gemm.hpp"
#include "kernels/vec.hpp"
#include "layers/depthwise_conv2d.hpp"
#include "layers/initializers.hpp"
#include "layers/keras_json.hpp"

namespace convlab {

SeparableConv2D::SeparableConv2D(std::string name, int filters, int kernel_h, int kernel_w,
                                 int stride_h, int stride_w, Padding padding, int depth_multiplier,
                                 ActivationFn activation, bool use_bias)
    : Layer(std::move(name)),
      filters_(filters),
      spec_{"kernel", kernel_h, kernel_w, stride_h, stride_w, padding},
      depth_multiplier_(depth_multiplier),
      activation_(activation),
      use_bias_(use_bias) {
  check_positive(name_ + ": SeparableConv2D", "filters", filters);
  check_window_args(name_ + ": SeparableConv2D", spec());
  check_positive(name_ + ": SeparableConv2D", "depth_multiplier", depth_multiplier);
}

Shape SeparableConv2D::output_shape_for(const Shape& input_shape) const {
  const Window2D g = window_geometry(name_ + ": SeparableConv2D", input_shape, spec());
  return {std::size_t(g.OH), std::size_t(g.OW), std::size_t(filters_)};
}

double SeparableConv2D::weight_floats(const Shape& input_shape) const {
  const double CM = double(input_shape[2]) * depth_multiplier_;
  return double(spec_.kh) * spec_.kw * CM + CM * filters_ + filters_;
}

double SeparableConv2D::scratch_floats(const Shape& input_shape, const Shape& output_shape) const {
  const double pixels = double(output_shape[0]) * double(output_shape[1]);
  // d, dd, dz, and the pre-activation values swish and gelu keep
  return pixels * (2 * double(input_shape[2]) * depth_multiplier_ +
                   filters_ * (activation_needs_input(activation_) ? 2 : 1));
}

Shape SeparableConv2D::build(const Shape& input_shape, Rng& rng) {
  g_ = window_geometry(name_ + ": SeparableConv2D", input_shape, spec());
  const std::size_t kh = spec_.kh, kw = spec_.kw, C = g_.C, M = depth_multiplier_, F = filters_;
  depthwise_ = Tensor::from_shape({kh, kw, C, M});
  glorot_uniform(depthwise_, kh * kw * C, kh * kw * M, rng);
  pointwise_ = Tensor::from_shape({1, 1, C * M, F});
  glorot_uniform(pointwise_, C * M, F, rng);
  bias_ = xt::zeros<float>({F});
  grad_depthwise_ = xt::zeros<float>(depthwise_.shape());
  grad_pointwise_ = xt::zeros<float>(pointwise_.shape());
  grad_bias_ = xt::zeros<float>(bias_.shape());
  return {std::size_t(g_.OH), std::size_t(g_.OW), F};
}

const Tensor& SeparableConv2D::forward(const Tensor& x, Mode) {
  check_window_batch(name_, "SeparableConv2D", g_, x);
  x_ = &x;
  const int rows = g_.rows(), CM = g_.C * depth_multiplier_;
  ensure_shape(d_, {std::size_t(rows), std::size_t(CM)});
  DepthwiseConv2D::convolve(g_, depth_multiplier_, x.data(), depthwise_.data(), d_.data());
  ensure_shape(y_,
               {std::size_t(g_.N), std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(filters_)});
  GemmEpilogue epilogue;
  epilogue.bias = use_bias_ ? bias_.data() : nullptr;
  epilogue.relu = activation_ == ActivationFn::relu;
  gemm(false, false, rows, filters_, CM, d_.data(), CM, pointwise_.data(), filters_, y_.data(),
       filters_, false, epilogue);
  if (!epilogue.relu) activation_forward(activation_, y_.data(), rows, filters_, &pre_activation_);
  return y_;
}

const Tensor& SeparableConv2D::backward(const Tensor& dy) {
  const int rows = g_.rows(), CM = g_.C * depth_multiplier_;
  ensure_shape(dz_, {std::size_t(rows), std::size_t(filters_)});
  activation_backward(activation_, y_.data(), dy.data(), dz_.data(), rows, filters_,
                      pre_activation_.data());
  if (use_bias_) column_sums(dz_.data(), rows, filters_, grad_bias_.data());
  // dpointwise (CM, F) = d^T (CM, rows) . dz (rows, F); dd (rows, CM) = dz . pointwise^T
  gemm(true, false, CM, filters_, rows, d_.data(), CM, dz_.data(), filters_, grad_pointwise_.data(),
       filters_, false);
  ensure_shape(dd_, {std::size_t(rows), std::size_t(CM)});
  gemm(false, true, rows, CM, filters_, dz_.data(), filters_, pointwise_.data(), filters_,
       dd_.data(), CM, false);
  float* dx = nullptr;
  if (input_gradient_needed_) {
    ensure_shape(dx_, {std::size_t(g_.N), std::size_t(g_.H), std::size_t(g_.W), std::size_t(g_.C)});
    dx = dx_.data();
  }
  DepthwiseConv2D::convolve_backward(g_, depth_multiplier_, x_->data(), depthwise_.data(),
                                     dd_.data(), grad_depthwise_.data(), dx);
  return dx_;
}

std::vector<Param> SeparableConv2D::params() {
  std::vector<Param> p{{"depthwise_kernel", &depthwise_, &grad_depthwise_, {}},
                       {"pointwise_kernel", &pointwise_, &grad_pointwise_, {}}};
  if (use_bias_) p.push_back({"bias", &bias_, &grad_bias_, {}});
  return p;
}

Json SeparableConv2D::config() const {
  Json c;
  c["filters"] = filters_;
  add_window_config(c, spec_);
  c["depth_multiplier"] = depth_multiplier_;
  c["activation"] = activation_name(activation_);
  c["use_bias"] = use_bias_;
  c["depthwise_initializer"] = keras_initializer("GlorotUniform");
  c["pointwise_initializer"] = keras_initializer("GlorotUniform");
  c["bias_initializer"] = keras_initializer("Zeros");
  for (const char* key :
       {"depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
        "activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint"})
    c[key] = nullptr;
  return c;
}

}  // namespace convlab
