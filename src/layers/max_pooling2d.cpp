#include "layers/max_pooling2d.hpp"

#include "core/error.hpp"
#include "kernels/pooling.hpp"

namespace convlab {

MaxPooling2D::MaxPooling2D(std::string name, int pool_h, int pool_w, int stride_h, int stride_w,
                           Padding padding)
    : Layer(std::move(name)),
      pool_h_(pool_h),
      pool_w_(pool_w),
      stride_h_(stride_h == 0 ? pool_h : stride_h),
      stride_w_(stride_w == 0 ? pool_w : stride_w),
      padding_(padding) {
  if (pool_h <= 0 || pool_w <= 0)
    throw Error(name_ + ": MaxPooling2D pool_size must be positive, got " +
                size_2d(pool_h, pool_w));
  if (stride_h < 0 || stride_w < 0)
    throw Error(name_ + ": MaxPooling2D strides must be positive (or 0 for the pool size), got " +
                size_2d(stride_h, stride_w));
}

Shape MaxPooling2D::output_shape_for(const Shape& input_shape) const {
  // The window arithmetic is in int: sizes past that range are refused here, not wrapped.
  if (input_shape.size() != 3 || shape_size(input_shape) == 0 ||
      double(input_shape[0]) * double(input_shape[1]) * double(input_shape[2]) > 2147483647.0)
    throw Error(name_ + ": MaxPooling2D expects input (None, height, width, channels) but got " +
                keras_shape(input_shape));
  const Window1D wy = window_1d(int(input_shape[0]), pool_h_, stride_h_, padding_);
  const Window1D wx = window_1d(int(input_shape[1]), pool_w_, stride_w_, padding_);
  if (wy.out <= 0 || wx.out <= 0)
    throw Error(name_ + ": pool " + size_2d(pool_h_, pool_w_) + " does not fit input " +
                keras_shape(input_shape) + " with padding='valid'");
  return {std::size_t(wy.out), std::size_t(wx.out), input_shape[2]};
}

Shape MaxPooling2D::build(const Shape& input_shape, Rng&) {
  output_shape_for(input_shape);  // validates
  const int H = int(input_shape[0]), W = int(input_shape[1]), C = int(input_shape[2]);
  const Window1D wy = window_1d(H, pool_h_, stride_h_, padding_);
  const Window1D wx = window_1d(W, pool_w_, stride_w_, padding_);
  g_ = Window2D{};
  g_.H = H, g_.W = W, g_.C = C;
  g_.kh = pool_h_, g_.kw = pool_w_;
  g_.stride_h = stride_h_, g_.stride_w = stride_w_;
  g_.pad_top = wy.pad_before, g_.pad_left = wx.pad_before;
  g_.OH = wy.out, g_.OW = wx.out;
  return {std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(C)};
}

const Tensor& MaxPooling2D::forward(const Tensor& x, Mode mode) {
  // The kernels index raw memory, so a mismatched batch would read out of bounds, not just give
  // wrong numbers.
  if (x.dimension() != 4 || int(x.shape()[1]) != g_.H || int(x.shape()[2]) != g_.W ||
      int(x.shape()[3]) != g_.C)
    throw Error(name_ + ": MaxPooling2D was built for input " +
                keras_shape({std::size_t(g_.H), std::size_t(g_.W), std::size_t(g_.C)}) +
                " but got a batch of shape " + shape_string(x));
  g_.N = int(x.shape()[0]);
  ensure_shape(y_, {std::size_t(g_.N), std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(g_.C)});
  if (mode == Mode::inference) {  // no backward will follow: skip the argmax bookkeeping
    max_pool_forward_values(g_, x.data(), y_.data());
    return y_;
  }
  if (argmax_.size() < y_.size()) argmax_.resize(y_.size());
  max_pool_forward(g_, x.data(), y_.data(), argmax_.data());
  return y_;
}

const Tensor& MaxPooling2D::backward(const Tensor& dy) {
  if (input_gradient_needed_) {
    ensure_shape(dx_, {std::size_t(g_.N), std::size_t(g_.H), std::size_t(g_.W), std::size_t(g_.C)});
    max_pool_backward(g_, dy.data(), argmax_.data(), dx_.data());
  }
  return dx_;
}

Json MaxPooling2D::config() const {
  Json c;
  c["pool_size"] = {pool_h_, pool_w_};
  c["padding"] = padding_ == Padding::same ? "same" : "valid";
  c["strides"] = {stride_h_, stride_w_};
  c["data_format"] = "channels_last";
  return c;
}

}  // namespace convlab
