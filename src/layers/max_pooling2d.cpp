#include "layers/max_pooling2d.hpp"

#include "core/error.hpp"
#include "kernels/pooling.hpp"
#include "layers/window.hpp"

namespace convlab {

MaxPooling2D::MaxPooling2D(std::string name, int pool_h, int pool_w, int stride_h, int stride_w,
                           Padding padding)
    : Layer(std::move(name)),
      spec_(pool_window(name_ + ": MaxPooling2D", pool_h, pool_w, stride_h, stride_w, padding)) {}

Shape MaxPooling2D::output_shape_for(const Shape& input_shape) const {
  const Window2D g = window_geometry(name_ + ": MaxPooling2D", input_shape, spec());
  return {std::size_t(g.OH), std::size_t(g.OW), input_shape[2]};
}

Shape MaxPooling2D::build(const Shape& input_shape, Rng&) {
  g_ = window_geometry(name_ + ": MaxPooling2D", input_shape, spec());
  return {std::size_t(g_.OH), std::size_t(g_.OW), std::size_t(g_.C)};
}

const Tensor& MaxPooling2D::forward(const Tensor& x, Mode mode) {
  check_window_batch(name_, "MaxPooling2D", g_, x);
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
  add_window_config(c, spec_);
  return c;
}

}  // namespace convlab
