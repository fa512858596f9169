#include "layers/average_pooling2d.hpp"

#include <algorithm>

namespace convlab {

AveragePooling2D::AveragePooling2D(std::string name, int pool_h, int pool_w, int stride_h,
                                   int stride_w, Padding padding)
    : Layer(std::move(name)),
      spec_(
          pool_window(name_ + ": AveragePooling2D", pool_h, pool_w, stride_h, stride_w, padding)) {}

Shape AveragePooling2D::output_shape_for(const Shape& input_shape) const {
  const Window2D g = window_geometry(name_ + ": AveragePooling2D", input_shape, spec());
  return {std::size_t(g.OH), std::size_t(g.OW), input_shape[2]};
}

Shape AveragePooling2D::build(const Shape& input_shape, Rng&) {
  g_ = window_geometry(name_ + ": AveragePooling2D", input_shape, spec());
  return {std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(g_.C)};
}

void AveragePooling2D::window(int oy, int ox, int& y0, int& y1, int& x0, int& x1) const {
  const int top = oy * g_.stride_h - g_.pad_top, left = ox * g_.stride_w - g_.pad_left;
  y0 = std::max(top, 0), y1 = std::min(top + g_.kh, g_.H);
  x0 = std::max(left, 0), x1 = std::min(left + g_.kw, g_.W);
}

const Tensor& AveragePooling2D::forward(const Tensor& x, Mode) {
  check_window_batch(name_, "AveragePooling2D", g_, x);
  const std::size_t C = g_.C;
  ensure_shape(y_, {std::size_t(g_.N), std::size_t(g_.OH), std::size_t(g_.OW), C});
  float* y = y_.data();
  for (int n = 0; n < g_.N; ++n) {
    const float* img = x.data() + std::size_t(n) * g_.H * g_.W * C;
    for (int oy = 0; oy < g_.OH; ++oy)
      for (int ox = 0; ox < g_.OW; ++ox, y += C) {
        int y0, y1, x0, x1;
        window(oy, ox, y0, y1, x0, x1);
        std::fill(y, y + C, 0.0f);
        for (int iy = y0; iy < y1; ++iy)
          for (int ix = x0; ix < x1; ++ix) {
            const float* px = img + (std::size_t(iy) * g_.W + ix) * C;
            for (std::size_t c = 0; c < C; ++c) y[c] += px[c];
          }
        const float inv = 1.0f / float((y1 - y0) * (x1 - x0));
        for (std::size_t c = 0; c < C; ++c) y[c] *= inv;
      }
  }
  return y_;
}

const Tensor& AveragePooling2D::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  const std::size_t C = g_.C;
  ensure_shape(dx_, {std::size_t(g_.N), std::size_t(g_.H), std::size_t(g_.W), C});
  std::fill(dx_.begin(), dx_.end(), 0.0f);
  const float* g = dy.data();
  for (int n = 0; n < g_.N; ++n) {
    float* img = dx_.data() + std::size_t(n) * g_.H * g_.W * C;
    for (int oy = 0; oy < g_.OH; ++oy)
      for (int ox = 0; ox < g_.OW; ++ox, g += C) {
        int y0, y1, x0, x1;
        window(oy, ox, y0, y1, x0, x1);
        const float inv = 1.0f / float((y1 - y0) * (x1 - x0));
        for (int iy = y0; iy < y1; ++iy)
          for (int ix = x0; ix < x1; ++ix) {
            float* px = img + (std::size_t(iy) * g_.W + ix) * C;
            for (std::size_t c = 0; c < C; ++c) px[c] += g[c] * inv;
          }
      }
  }
  return dx_;
}

Json AveragePooling2D::config() const {
  Json c;
  add_window_config(c, spec_);
  return c;
}

}  // namespace convlab
