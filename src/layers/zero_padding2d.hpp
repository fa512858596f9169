// ZeroPadding2D (Keras): zero rows above and below, zero columns left and right of each image.
//   in (N, H, W, C)  out (N, top + H + bottom, left + W + right, C)  no params
#pragma once

#include <array>

#include "layers/layer.hpp"

namespace convlab {

class ZeroPadding2D : public Layer {
 public:
  // {top, bottom, left, right}
  ZeroPadding2D(std::string name, std::array<int, 4> padding = {1, 1, 1, 1});

  const char* class_name() const override { return "ZeroPadding2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  std::array<int, 4> pad_;
  std::size_t H_ = 0, W_ = 0, C_ = 0, OH_ = 0, OW_ = 0, N_ = 0;
  Tensor y_;   // (N, OH, OW, C)
  Tensor dx_;  // (N, H, W, C)
};

}  // namespace convlab
