// MaxPooling2D (Keras): the maximum of each pool_h x pool_w window, channel by channel.
//   in (N, H, W, C)  out (N, OH, OW, C)  no params
//   OH, OW follow TensorFlow's 'valid' / 'same' rules (kernels/geometry.hpp); 'same' padding
//   pixels never win. A stride of 0 stands for Keras's strides=None, i.e. the pool size.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/geometry.hpp"
#include "layers/layer.hpp"
#include "layers/window.hpp"

namespace convlab {

class MaxPooling2D : public Layer {
 public:
  MaxPooling2D(std::string name, int pool_h = 2, int pool_w = 2, int stride_h = 0, int stride_w = 0,
               Padding padding = Padding::valid);

  const char* class_name() const override { return "MaxPooling2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  const WindowSpec& spec() const { return spec_; }
  WindowSpec spec_;  // strides already resolved from 0
  Window2D g_{};     // everything but N is fixed by build

  Tensor y_;                     // (N, OH, OW, C)
  std::vector<int32_t> argmax_;  // training forward only: flat index into x; only grows
  Tensor dx_;                    // (N, H, W, C)
};

}  // namespace convlab
