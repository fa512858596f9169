#include "layers/global_pooling2d.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {

GlobalPooling2D::GlobalPooling2D(std::string name, Kind kind)
    : Layer(std::move(name)), kind_(kind) {}

const char* GlobalPooling2D::class_name() const {
  return kind_ == Kind::average ? "GlobalAveragePooling2D" : "GlobalMaxPooling2D";
}

Shape GlobalPooling2D::output_shape_for(const Shape& input_shape) const {
  if (input_shape.size() != 3 || shape_size(input_shape) == 0 ||
      double(input_shape[0]) * double(input_shape[1]) > 2147483647.0)
    throw Error(name_ + ": " + class_name() +
                " expects input (None, height, width, channels) but got " +
                keras_shape(input_shape));
  return {input_shape[2]};
}

Shape GlobalPooling2D::build(const Shape& input_shape, Rng&) {
  const Shape out = output_shape_for(input_shape);
  height_ = input_shape[0], width_ = input_shape[1];
  pixels_ = height_ * width_;
  channels_ = input_shape[2];
  return out;
}

const Tensor& GlobalPooling2D::forward(const Tensor& x, Mode mode) {
  if (x.dimension() != 4 || x.shape()[1] != height_ || x.shape()[2] != width_ ||
      x.shape()[3] != channels_)
    throw Error(name_ + ": " + class_name() + " was built for input " +
                keras_shape({height_, width_, channels_}) + " but got a batch of shape " +
                shape_string(x));
  n_ = x.shape()[0];
  const std::size_t C = channels_;
  ensure_shape(y_, {n_, C});
  const bool track = kind_ == Kind::max && mode == Mode::training;
  if (track && argmax_.size() < n_ * C) argmax_.resize(n_ * C);
  for (std::size_t n = 0; n < n_; ++n) {
    const float* img = x.data() + n * pixels_ * C;
    float* y = y_.data() + n * C;
    // Pixel by pixel, channels innermost: contiguous reads, in the reference order.
    std::copy(img, img + C, y);
    if (track) std::fill(argmax_.begin() + n * C, argmax_.begin() + (n + 1) * C, 0);
    for (std::size_t p = 1; p < pixels_; ++p) {
      const float* px = img + p * C;
      if (kind_ == Kind::average) {
        for (std::size_t c = 0; c < C; ++c) y[c] += px[c];
      } else {
        for (std::size_t c = 0; c < C; ++c)
          if (px[c] > y[c]) {
            y[c] = px[c];
            if (track) argmax_[n * C + c] = int32_t(p);
          }
      }
    }
    if (kind_ == Kind::average)
      for (std::size_t c = 0; c < C; ++c) y[c] /= float(pixels_);
  }
  return y_;
}

const Tensor& GlobalPooling2D::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  const std::size_t C = channels_;
  ensure_shape(dx_, {n_, height_, width_, C});
  const float scale = 1.0f / float(pixels_);
  for (std::size_t n = 0; n < n_; ++n) {
    float* dx = dx_.data() + n * pixels_ * C;
    const float* g = dy.data() + n * C;
    if (kind_ == Kind::average) {
      for (std::size_t p = 0; p < pixels_; ++p)
        for (std::size_t c = 0; c < C; ++c) dx[p * C + c] = g[c] * scale;
    } else {
      std::fill(dx, dx + pixels_ * C, 0.0f);
      for (std::size_t c = 0; c < C; ++c) dx[std::size_t(argmax_[n * C + c]) * C + c] = g[c];
    }
  }
  return dx_;
}

Json GlobalPooling2D::config() const {
  return Json{{"data_format", "channels_last"}, {"keepdims", false}};
}

}  // namespace convlab
