#include "layers/activation.hpp"

#include <algorithm>

namespace convlab {

namespace {

// Rows and columns as activations.hpp wants them: columns are the last axis (softmax's axis).
std::size_t last_axis(const Tensor& t) {
  return t.dimension() > 1 ? t.shape().back() : 1;
}

}  // namespace

Activation::Activation(std::string name, ActivationFn fn) : Layer(std::move(name)), fn_(fn) {}

Shape Activation::build(const Shape& input_shape, Rng&) {
  return input_shape;
}

const Tensor& Activation::forward(const Tensor& x, Mode) {
  ensure_shape_of(y_, x);
  std::copy(x.data(), x.data() + x.size(), y_.data());
  const std::size_t cols = last_axis(x);
  if (x.size() > 0) activation_forward(fn_, y_.data(), x.size() / cols, cols, &pre_activation_);
  return y_;
}

const Tensor& Activation::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  ensure_shape_of(dx_, dy);
  const std::size_t cols = last_axis(dy);
  if (dy.size() > 0)
    activation_backward(fn_, y_.data(), dy.data(), dx_.data(), dy.size() / cols, cols,
                        pre_activation_.data());
  return dx_;
}

Json Activation::config() const {
  return Json{{"activation", activation_name(fn_)}};
}

}  // namespace convlab
