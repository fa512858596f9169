#include "layers/flatten.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {

Flatten::Flatten(std::string name) : Layer(std::move(name)) {}

Shape Flatten::output_shape_for(const Shape& input_shape) const {
  if (input_shape.empty())
    throw Error(name_ +
                ": Flatten expects an input with at least one axis besides the batch, "
                "but got (None)");
  return {shape_size(input_shape)};
}

Shape Flatten::build(const Shape& input_shape, Rng&) {
  features_ = output_shape_for(input_shape)[0];
  return {features_};
}

const Tensor& Flatten::forward(const Tensor& x, Mode) {
  const std::size_t n = x.dimension() ? x.shape()[0] : 0;
  if (x.dimension() < 2 || x.size() != n * features_)
    throw Error(name_ + ": Flatten was built for " + std::to_string(features_) +
                " features per sample but got a batch of " + std::to_string(x.size()) +
                " values in " + std::to_string(n) + " samples");
  x_shape_.assign(x.shape().begin(), x.shape().end());
  ensure_shape(y_, {n, features_});
  std::copy(x.data(), x.data() + x.size(), y_.data());
  return y_;
}

const Tensor& Flatten::backward(const Tensor& dy) {
  if (input_gradient_needed_) {
    ensure_shape(dx_, x_shape_);
    std::copy(dy.data(), dy.data() + dy.size(), dx_.data());
  }
  return dx_;
}

Json Flatten::config() const {
  return Json{{"data_format", "channels_last"}};
}

}  // namespace convlab
