#include "layers/reshape.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {

namespace {

std::string target_string(const Shape& target) {
  std::string s = "(";
  for (std::size_t i = 0; i < target.size(); ++i)
    s += (i ? ", " : "") + (target[i] ? std::to_string(target[i]) : std::string("-1"));
  return s + (target.size() == 1 ? ",)" : ")");
}

}  // namespace

Reshape::Reshape(std::string name, Shape target)
    : Layer(std::move(name)), target_(std::move(target)) {
  if (target_.empty() || std::count(target_.begin(), target_.end(), 0u) > 1)
    throw Error(name_ + ": Reshape target_shape must be positive sizes with at most one -1");
}

Shape Reshape::output_shape_for(const Shape& input_shape) const {
  const double total = double(shape_size(input_shape));
  double known = 1.0;
  for (auto d : target_)
    if (d) known *= double(d);
  Shape out = target_;
  auto unknown = std::find(out.begin(), out.end(), 0u);
  if (unknown != out.end() && known > 0 && total / known == double(std::size_t(total / known)))
    *unknown = std::size_t(total / known);
  if (input_shape.empty() || shape_size(out) != shape_size(input_shape) || shape_size(out) == 0)
    throw Error(name_ + ": Reshape cannot reshape input " + keras_shape(input_shape) + " (" +
                std::to_string(shape_size(input_shape)) + " values) to target_shape " +
                target_string(target_));
  return out;
}

Shape Reshape::build(const Shape& input_shape, Rng&) {
  out_ = output_shape_for(input_shape);
  in_ = input_shape;
  return out_;
}

const Tensor& Reshape::forward(const Tensor& x, Mode) {
  const std::size_t features = shape_size(in_);
  n_ = x.dimension() ? x.shape()[0] : 0;
  if (x.dimension() < 2 || x.size() != n_ * features)
    throw Error(name_ + ": Reshape was built for input " + keras_shape(in_) +
                " but got a batch of shape " + shape_string(x));
  ensure_batched(y_, n_, out_);
  std::copy(x.data(), x.data() + x.size(), y_.data());
  return y_;
}

const Tensor& Reshape::backward(const Tensor& dy) {
  if (!input_gradient_needed_) return dx_;
  ensure_batched(dx_, n_, in_);
  std::copy(dy.data(), dy.data() + dy.size(), dx_.data());
  return dx_;
}

// The resolved shape, once built: TF.js infers a -1 only while predicting, so a Flatten after a
// Reshape((-1, 3)) would not load there. The output is the same either way.
Json Reshape::config() const {
  Json shape = Json::array();
  for (auto d : out_.empty() ? target_ : out_) shape.push_back(d ? Json(d) : Json(-1));
  return Json{{"target_shape", shape}};
}

}  // namespace convlab
