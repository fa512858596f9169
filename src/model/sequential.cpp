#include "model/sequential.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {

Sequential::Sequential(std::string name, Shape input_shape,
                       std::vector<std::unique_ptr<Layer>> layers, Rng& rng)
    : name_(std::move(name)), input_shape_(std::move(input_shape)), layers_(std::move(layers)) {
  if (layers_.empty()) throw Error("model: a Sequential model needs at least one layer");
  if (input_shape_.empty() || shape_size(input_shape_) == 0)
    throw Error("model: the input shape " + keras_shape(input_shape_) + " is empty");
  Shape shape = input_shape_;
  for (auto& layer : layers_) {
    shape = layer->build(shape, rng);
    for (auto d : shape)
      if (d == 0) throw Error(layer->name() + ": output shape " + keras_shape(shape) + " is empty");
    output_shapes_.push_back(shape);
  }
  layers_.front()->set_input_gradient_needed(false);
  for (auto& layer : layers_)
    for (auto& p : layer->params()) params_.push_back(p);
}

const Tensor& Sequential::forward(const Tensor& x, Mode mode, std::size_t last) {
  last = std::min(last, layers_.size() - 1);
  const Tensor* h = &x;
  for (std::size_t i = 0; i <= last; ++i) h = &layers_[i]->forward(*h, mode);
  return *h;
}

void Sequential::backward(const Tensor& dy) {
  const Tensor* g = &dy;
  for (std::size_t i = layers_.size(); i-- > 0;) g = &layers_[i]->backward(*g);
}

double Sequential::regularization_penalty() {
  double total = 0.0;
  for (const auto& p : params_)
    if (p.regularizer.active()) total += p.regularizer.penalty(*p.value);
  return total;
}

void Sequential::add_regularization_gradients() {
  for (const auto& p : params_)
    if (p.regularizer.active()) p.regularizer.add_gradient(*p.value, *p.grad);
}

std::vector<Weight> Sequential::weights() {
  std::vector<Weight> all;
  for (auto& layer : layers_) {
    for (auto& p : layer->params()) all.push_back({p.name, p.value});
    for (auto& w : layer->non_trainable_weights()) all.push_back(w);
  }
  return all;
}

std::size_t Sequential::trainable_count() const {
  std::size_t n = 0;
  for (auto& layer : layers_)
    for (auto& p : layer->params()) n += p.value->size();
  return n;
}

std::size_t Sequential::non_trainable_count() const {
  std::size_t n = 0;
  for (auto& layer : layers_)
    for (auto& w : layer->non_trainable_weights()) n += w.value->size();
  return n;
}

}  // namespace convlab
