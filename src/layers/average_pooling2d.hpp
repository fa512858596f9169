// AveragePooling2D (Keras): the mean of each pool_h x pool_w window, channel by channel.
//   in (N, H, W, C)  out (N, OH, OW, C)  no params
//   OH, OW follow TensorFlow's 'valid' / 'same' rules (kernels/geometry.hpp). With 'same', a
//   window that reaches past the input averages only the pixels inside it (TensorFlow divides
//   by the count of real pixels, not by the pool size). A stride of 0 stands for Keras's
//   strides=None, i.e. the pool size.
#pragma once

#include "layers/layer.hpp"
#include "layers/window.hpp"

namespace convlab {

class AveragePooling2D : public Layer {
 public:
  AveragePooling2D(std::string name, int pool_h = 2, int pool_w = 2, int stride_h = 0,
                   int stride_w = 0, Padding padding = Padding::valid);

  const char* class_name() const override { return "AveragePooling2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  Json config() const override;

 private:
  const WindowSpec& spec() const { return spec_; }
  // The input rows [y0, y1) and columns [x0, x1) output pixel (oy, ox) averages.
  void window(int oy, int ox, int& y0, int& y1, int& x0, int& x1) const;
  WindowSpec spec_;  // strides already resolved from 0
  Window2D g_{};     // everything but N is fixed by build
  Tensor y_;         // (N, OH, OW, C)
  Tensor dx_;        // (N, H, W, C)
};

}  // namespace convlab
