#include "layers/advanced_activations.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/format.hpp"

namespace convlab {

Shape ElementwiseLayer::build(const Shape& input_shape, Rng&) {
  return input_shape;
}

const Tensor& ElementwiseLayer::forward(const Tensor& x, Mode) {
  x_ = &x;
  ensure_shape_of(y_, x);
  const float* px = x.data();
  float* y = y_.data();
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = f(px[i]);
  return y_;
}

const Tensor& ElementwiseLayer::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  if (!x_ || x_->size() != dy.size())
    throw Error(name_ + ": " + class_name() + " backward without a matching forward");
  ensure_shape_of(dx_, dy);
  const float* px = x_->data();
  const float* pdy = dy.data();
  float* dx = dx_.data();
  for (std::size_t i = 0; i < dy.size(); ++i) dx[i] = pdy[i] * df(px[i]);
  return dx_;
}

LeakyReLU::LeakyReLU(std::string name, float alpha)
    : ElementwiseLayer(std::move(name)), alpha_(alpha) {}

Json LeakyReLU::config() const {
  return Json{{"alpha", config_number(alpha_)}};
}

ELU::ELU(std::string name, float alpha) : ElementwiseLayer(std::move(name)), alpha_(alpha) {}

float ELU::f(float x) const {
  return x > 0.0f ? x : alpha_ * std::expm1(x);
}

float ELU::df(float x) const {
  return x > 0.0f ? 1.0f : alpha_ * std::exp(x);
}

Json ELU::config() const {
  return Json{{"alpha", config_number(alpha_)}};
}

ReLU::ReLU(std::string name, std::optional<float> max_value, float negative_slope, float threshold)
    : ElementwiseLayer(std::move(name)),
      max_value_(max_value),
      negative_slope_(negative_slope),
      threshold_(threshold) {
  if (max_value_ && !(*max_value_ >= 0.0f))
    throw Error(name_ + ": ReLU max_value must be >= 0, got " + format_number(*max_value_));
  if (!(negative_slope_ >= 0.0f))
    throw Error(name_ + ": ReLU negative_slope must be >= 0, got " +
                format_number(negative_slope_));
}

float ReLU::f(float x) const {
  if (x < threshold_) return negative_slope_ * (x - threshold_);
  return max_value_ && x > *max_value_ ? *max_value_ : x;
}

float ReLU::df(float x) const {
  if (x < threshold_) return negative_slope_;
  return max_value_ && x > *max_value_ ? 0.0f : 1.0f;
}

Json ReLU::config() const {
  return Json{{"max_value", max_value_ ? Json(config_number(*max_value_)) : Json(nullptr)},
              {"negative_slope", config_number(negative_slope_)},
              {"threshold", config_number(threshold_)}};
}

}  // namespace convlab
