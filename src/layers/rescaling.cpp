#include "layers/rescaling.hpp"

#include "core/format.hpp"

namespace convlab {

Rescaling::Rescaling(std::string name, float scale, float offset)
    : Layer(std::move(name)), scale_(scale), offset_(offset) {}

Shape Rescaling::build(const Shape& input_shape, Rng&) {
  return input_shape;
}

const Tensor& Rescaling::forward(const Tensor& x, Mode) {
  ensure_shape_of(y_, x);
  const float* px = x.data();
  float* y = y_.data();
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = px[i] * scale_ + offset_;
  return y_;
}

const Tensor& Rescaling::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  ensure_shape_of(dx_, dy);
  const float* pdy = dy.data();
  float* dx = dx_.data();
  for (std::size_t i = 0; i < dy.size(); ++i) dx[i] = pdy[i] * scale_;
  return dx_;
}

Json Rescaling::config() const {
  return Json{{"scale", config_number(scale_)}, {"offset", config_number(offset_)}};
}

}  // namespace convlab
