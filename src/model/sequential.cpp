#include "model/sequential.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace convlab {
namespace {

std::size_t memory_limit_mb = kDefaultModelMemoryLimitMb;

double elements(const Shape& shape) {
  double n = 1.0;
  for (auto d : shape) n *= double(d);
  return n;
}

}  // namespace

std::size_t model_memory_limit_mb() {
  return memory_limit_mb;
}
void set_model_memory_limit_mb(std::size_t mb) {
  memory_limit_mb = mb;
}

double estimate_model_bytes(const Shape& input_shape,
                            const std::vector<std::unique_ptr<Layer>>& layers, std::size_t batch,
                            double limit, bool* complete) {
  constexpr double kFloat = 4.0, kPerWeight = 4.0;        // value, gradient, Adam's m and v
  double bytes = kFloat * batch * elements(input_shape);  // the staged batch
  Shape shape = input_shape;
  if (complete) *complete = true;
  for (std::size_t i = 0; i < layers.size(); i++) {
    const auto& layer = layers[i];
    // Past 64 GB the sum is only a lower bound: shapes that large could overflow the layers'
    // int window arithmetic. Below it the estimate is complete, whatever the limit.
    if (bytes > limit && bytes > 68719476736.0) {
      if (complete) *complete = false;
      break;
    }
    const Shape out = at_layer(i, layer->name(), [&] { return layer->output_shape_for(shape); });
    const double per_sample = elements(out) + elements(shape) + layer->scratch_floats(shape, out);
    bytes += kFloat * (kPerWeight * layer->weight_floats(shape) + double(batch) * per_sample);
    shape = out;
  }
  return bytes;
}

Sequential::Sequential(std::string name, Shape input_shape,
                       std::vector<std::unique_ptr<Layer>> layers, Rng& rng)
    : name_(std::move(name)), input_shape_(std::move(input_shape)), layers_(std::move(layers)) {
  if (layers_.empty()) throw Error("model: a Sequential model needs at least one layer");
  if (input_shape_.empty() || elements(input_shape_) == 0)
    throw Error("model: the input shape " + keras_shape(input_shape_) + " is empty");
  const double limit = double(memory_limit_mb) * 1024 * 1024;
  bool complete = true;
  const double need = estimate_model_bytes(input_shape_, layers_, 32, limit, &complete);
  if (need > limit) {
    const double mb = std::ceil(need / (1024 * 1024));
    // Past 10^15 MB the number itself means nothing (and would not fit the integer below).
    const std::string amount = mb > 1e15 ? "more than 10^15"
                                         : std::string(complete ? "about " : "at least ") +
                                               std::to_string((unsigned long long)mb);
    throw Error("model: needs " + amount +
                " MB of memory for weights and activations at batch 32, more than the " +
                std::to_string(memory_limit_mb) + " MB limit");
  }
  Shape shape = input_shape_;
  for (std::size_t i = 0; i < layers_.size(); i++) {
    auto& layer = layers_[i];
    shape = at_layer(i, layer->name(), [&] { return layer->build(shape, rng); });
    for (auto d : shape)
      if (d == 0)
        throw LayerError(i, layer->name(),
                         layer->name() + ": output shape " + keras_shape(shape) + " is empty");
    output_shapes_.push_back(shape);
  }
  layers_.front()->set_input_gradient_needed(false);
  for (auto& layer : layers_) {
    for (auto& p : layer->params()) params_.push_back(p);
    for (auto& w : layer->non_trainable_weights()) non_trainable_.push_back(w);
  }
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

std::vector<Sequential::NamedWeight> Sequential::weights() {
  std::vector<NamedWeight> all;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    Layer& layer = *layers_[i];
    for (auto& p : layer.params()) all.push_back({i, layer.name() + "/" + p.name, p.value});
    for (auto& w : layer.non_trainable_weights())
      all.push_back({i, layer.name() + "/" + w.name, w.value});
  }
  return all;
}

std::size_t Sequential::layer_weight_count(std::size_t i) {
  std::size_t n = 0;
  for (auto& w : weights())
    if (w.layer == i) n += w.value->size();
  return n;
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
