#include "layers/dropout.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/format.hpp"

namespace convlab {

namespace {}  // namespace

Dropout::Dropout(std::string name, float rate) : Layer(std::move(name)), rate_(rate) {
  if (!(rate >= 0.0f && rate < 1.0f))
    throw Error(name_ + ": Dropout rate must be in [0, 1), got " + format_number(rate));
}

double Dropout::scratch_floats(const Shape&, const Shape& output_shape) const {
  double n = 1.0;
  for (auto d : output_shape) n *= double(d);
  return n;  // mask
}

Shape Dropout::build(const Shape& input_shape, Rng& rng) {
  rng_ = &rng;
  return input_shape;
}

const Tensor& Dropout::forward(const Tensor& x, Mode mode) {
  ensure_shape_of(y_, x);
  const std::size_t n = x.size();
  const float* px = x.data();
  float* y = y_.data();
  // Keras skips dropout entirely at rate 0, drawing nothing, so the Rng stream is unchanged.
  masked_ = mode == Mode::training && rate_ > 0.0f;
  if (!masked_) {
    std::copy(px, px + n, y);
    return y_;
  }
  if (!rng_) throw Error(name_ + ": Dropout used before build()");
  ensure_shape_of(mask_, x);
  float* mask = mask_.data();
  const float scale = 1.0f / (1.0f - rate_);
  for (std::size_t i = 0; i < n; ++i) {
    // uniform() is in [0, 1), so P(u >= rate) = 1 - rate.
    mask[i] = rng_->uniform() >= rate_ ? scale : 0.0f;
    y[i] = px[i] * mask[i];
  }
  return y_;
}

const Tensor& Dropout::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  ensure_shape_of(dx_, dy);
  const std::size_t n = dy.size();
  const float* pdy = dy.data();
  float* dx = dx_.data();
  if (masked_) {
    const float* mask = mask_.data();
    for (std::size_t i = 0; i < n; ++i) dx[i] = pdy[i] * mask[i];
  } else {
    std::copy(pdy, pdy + n, dx);
  }
  return dx_;
}

Json Dropout::config() const {
  Json c;
  c["rate"] = config_number(rate_);
  c["noise_shape"] = nullptr;
  c["seed"] = nullptr;
  return c;
}

}  // namespace convlab
