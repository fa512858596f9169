#include "layers/dense.hpp"

#include "core/error.hpp"
#include "kernels/gemm.hpp"
#include "kernels/vec.hpp"
#include "layers/initializers.hpp"
#include "layers/keras_json.hpp"

namespace convlab {

Dense::Dense(std::string name, int units, ActivationFn activation, bool use_bias,
             Regularizer kernel_regularizer)
    : Layer(std::move(name)),
      units_(units),
      activation_(activation),
      use_bias_(use_bias),
      kernel_regularizer_(kernel_regularizer) {
  check_positive(name_ + ": Dense", "units", units);
}

Shape Dense::output_shape_for(const Shape& input_shape) const {
  if (input_shape.size() != 1)
    throw Error(name_ + ": Dense expects a flat input (None, features) but got " +
                keras_shape(input_shape) + "; add a Flatten() layer before it");
  return {std::size_t(units_)};
}

double Dense::weight_floats(const Shape& input_shape) const {
  return double(input_shape[0]) * units_ + units_;
}

double Dense::scratch_floats(const Shape&, const Shape& output_shape) const {
  // dz, and the pre-activation values swish and gelu keep
  return double(output_shape[0]) * (activation_needs_input(activation_) ? 2 : 1);
}

Shape Dense::build(const Shape& input_shape, Rng& rng) {
  output_shape_for(input_shape);  // validates
  in_ = input_shape[0];
  kernel_ = Tensor::from_shape({in_, std::size_t(units_)});
  glorot_uniform(kernel_, in_, units_, rng);
  bias_ = xt::zeros<float>({std::size_t(units_)});
  grad_kernel_ = xt::zeros<float>(kernel_.shape());
  grad_bias_ = xt::zeros<float>(bias_.shape());
  return {std::size_t(units_)};
}

const Tensor& Dense::forward(const Tensor& x, Mode) {
  x_ = &x;
  const int n = int(x.shape()[0]);
  ensure_shape(y_, {std::size_t(n), std::size_t(units_)});
  // Bias and ReLU ride in the GEMM's epilogue (see Conv2D::forward).
  GemmEpilogue epilogue;
  epilogue.bias = use_bias_ ? bias_.data() : nullptr;
  epilogue.relu = activation_ == ActivationFn::relu;
  float* y = y_.data();
  gemm(false, false, n, units_, int(in_), x.data(), int(in_), kernel_.data(), units_, y, units_,
       false, epilogue);
  if (!epilogue.relu) activation_forward(activation_, y, n, units_, &pre_activation_);
  return y_;
}

const Tensor& Dense::backward(const Tensor& dy) {
  const int n = int(dy.shape()[0]);
  ensure_shape(dz_, {std::size_t(n), std::size_t(units_)});
  activation_backward(activation_, y_.data(), dy.data(), dz_.data(), n, units_,
                      pre_activation_.data());
  // dkernel (D, U) = x^T (D, N) . dz (N, U)
  gemm(true, false, int(in_), units_, n, x_->data(), int(in_), dz_.data(), units_,
       grad_kernel_.data(), units_, false);
  if (use_bias_) {
    column_sums(dz_.data(), std::size_t(n), std::size_t(units_), grad_bias_.data());
  }
  if (input_gradient_needed_) {
    // dx (N, D) = dz (N, U) . kernel^T (U, D)
    ensure_shape(dx_, {std::size_t(n), in_});
    gemm(false, true, n, int(in_), units_, dz_.data(), units_, kernel_.data(), units_, dx_.data(),
         int(in_), false);
  }
  return dx_;
}

std::vector<Param> Dense::params() {
  std::vector<Param> p{{"kernel", &kernel_, &grad_kernel_, kernel_regularizer_}};
  if (use_bias_) p.push_back({"bias", &bias_, &grad_bias_, {}});
  return p;
}

Json Dense::config() const {
  Json c;
  c["units"] = units_;
  c["activation"] = activation_name(activation_);
  c["use_bias"] = use_bias_;
  add_kernel_bias_config(c, kernel_regularizer_);
  return c;
}

}  // namespace convlab
