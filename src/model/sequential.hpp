// Sequential: a stack of layers, built once for an input shape (without the batch dimension).
// It runs forward and backward through the stack and gathers parameters and weights in Keras's
// order (per layer: trainable weights, then non-trainable ones).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "layers/layer.hpp"

namespace convlab {

// A model whose weights and batch-32 training buffers would need more than this many MB is
// refused before anything is allocated (wasm32 has 4 GB of address space at most, and a browser
// tab far less). The fuzz harnesses lower it to keep each run fast.
constexpr std::size_t kDefaultModelMemoryLimitMb = 1024;
std::size_t model_memory_limit_mb();
void set_model_memory_limit_mb(std::size_t mb);

// Bytes the model would need for weights (value, gradient, two optimizer slots) and the
// training buffers of a batch of `batch` samples. Validates every layer's shapes as build would
// (throwing the same errors) without allocating; stops once the total is past `limit` bytes
// (setting *complete to false), so absurd shapes never reach the layers' int/size_t arithmetic.
double estimate_model_bytes(const Shape& input_shape,
                            const std::vector<std::unique_ptr<Layer>>& layers, std::size_t batch,
                            double limit, bool* complete = nullptr);

class Sequential {
 public:
  // Builds every layer in turn (shape inference), drawing initial weights from `rng`;
  // throws the first layer's Error when a shape does not fit.
  Sequential(std::string name, Shape input_shape, std::vector<std::unique_ptr<Layer>> layers,
             Rng& rng);

  const std::string& name() const { return name_; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shapes_.back(); }
  const Shape& output_shape(std::size_t layer) const { return output_shapes_.at(layer); }
  std::size_t size() const { return layers_.size(); }
  Layer& layer(std::size_t i) { return *layers_.at(i); }
  const Layer& layer(std::size_t i) const { return *layers_.at(i); }

  // x (N, input_shape...). Returns the output of layer `last` (default: the last layer).
  const Tensor& forward(const Tensor& x, Mode mode, std::size_t last = SIZE_MAX);
  // dy: dLoss/d(output of the last layer) for the batch of the latest full forward pass.
  void backward(const Tensor& dy);

  // Gathered once at construction (the layers' tensors never move), so a training step's
  // optimizer and regularizer walks allocate nothing.
  const std::vector<Param>& params() const { return params_; }
  // Every layer's non-trainable weights (BatchNormalization's moving statistics), in order;
  // gathered once, so a training step can save and restore them without allocating.
  const std::vector<Weight>& non_trainable_weights() const { return non_trainable_; }
  double regularization_penalty();
  void add_regularization_gradients();

  // Every weight in Keras's order (each layer's trainable weights, then its non-trainable ones),
  // named by Keras's weight path, "conv2d/kernel": the one walk that get/set_weights, the TF.js
  // manifest and loader, describe() and summary() share.
  struct NamedWeight {
    std::size_t layer;  // index of the layer holding it
    std::string name;   // "<layer name>/<weight name>"
    Tensor* value;
  };
  std::vector<NamedWeight> weights();
  // Floats held by layer i (trainable and not): its summary row's Param #.
  std::size_t layer_weight_count(std::size_t i);
  std::size_t trainable_count() const;
  std::size_t non_trainable_count() const;

 private:
  std::string name_;
  Shape input_shape_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Shape> output_shapes_;
  std::vector<Param> params_;
  std::vector<Weight> non_trainable_;
};

}  // namespace convlab
