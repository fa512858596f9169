#include "layers/zero_padding2d.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {

ZeroPadding2D::ZeroPadding2D(std::string name, std::array<int, 4> padding)
    : Layer(std::move(name)), pad_(padding) {
  for (int p : pad_)
    if (p < 0) throw Error(name_ + ": ZeroPadding2D padding must be >= 0");
}

Shape ZeroPadding2D::output_shape_for(const Shape& in) const {
  if (in.size() != 3 || shape_size(in) == 0 ||
      (double(in[0]) + pad_[0] + pad_[1]) * (double(in[1]) + pad_[2] + pad_[3]) * double(in[2]) >
          2147483647.0)
    throw Error(name_ + ": ZeroPadding2D expects input (None, height, width, channels) but got " +
                keras_shape(in));
  return {in[0] + pad_[0] + pad_[1], in[1] + pad_[2] + pad_[3], in[2]};
}

Shape ZeroPadding2D::build(const Shape& input_shape, Rng&) {
  const Shape out = output_shape_for(input_shape);
  H_ = input_shape[0], W_ = input_shape[1], C_ = input_shape[2];
  OH_ = out[0], OW_ = out[1];
  return out;
}

const Tensor& ZeroPadding2D::forward(const Tensor& x, Mode) {
  if (x.dimension() != 4 || x.shape()[1] != H_ || x.shape()[2] != W_ || x.shape()[3] != C_)
    throw Error(name_ + ": ZeroPadding2D was built for input " + keras_shape({H_, W_, C_}) +
                " but got a batch of shape " + shape_string(x));
  N_ = x.shape()[0];
  ensure_shape(y_, {N_, OH_, OW_, C_});
  std::fill(y_.begin(), y_.end(), 0.0f);
  const std::size_t row = W_ * C_;
  for (std::size_t n = 0; n < N_; ++n)
    for (std::size_t h = 0; h < H_; ++h) {
      const float* src = x.data() + (n * H_ + h) * row;
      float* dst = y_.data() + ((n * OH_ + h + pad_[0]) * OW_ + pad_[2]) * C_;
      std::copy(src, src + row, dst);
    }
  return y_;
}

const Tensor& ZeroPadding2D::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  ensure_shape(dx_, {N_, H_, W_, C_});
  const std::size_t row = W_ * C_;
  for (std::size_t n = 0; n < N_; ++n)
    for (std::size_t h = 0; h < H_; ++h) {
      const float* src = dy.data() + ((n * OH_ + h + pad_[0]) * OW_ + pad_[2]) * C_;
      std::copy(src, src + row, dx_.data() + (n * H_ + h) * row);
    }
  return dx_;
}

Json ZeroPadding2D::config() const {
  return Json{{"padding", {{pad_[0], pad_[1]}, {pad_[2], pad_[3]}}},
              {"data_format", "channels_last"}};
}

}  // namespace convlab
