// The Layer contract. How to read the layers:
//
//  - Shapes are NHWC, row-major float32 (see core/tensor.hpp). A layer file opens with a comment
//    giving its input, output and parameter shapes.
//  - build(input_shape) runs once, with the shape *without* the batch dimension. It validates the
//    shape (throwing an Error that names the layer and the shapes), allocates and initialises
//    the weights with Keras's defaults, and returns the output shape.
//  - forward(x, mode) returns a reference to an output buffer the layer owns (reused from batch
//    to batch, so a steady training step allocates nothing). It keeps a pointer to x: x must stay
//    alive and unchanged until backward.
//  - backward(dy) returns dL/dx (a buffer the layer owns) and OVERWRITES the gradients of
//    params() with this batch's gradients; the optimizer never needs to zero them.
//  - params() lists (value, grad) pairs for the optimizer to walk (ConvNetJS getParamsAndGrads),
//    in Keras's weight order. Non-trainable state (BatchNormalization's moving statistics) is
//    listed separately so the optimizer never touches it.
//
// To add a layer (three steps, nothing else lists the layers):
//  1. layers/<name>.{hpp,cpp}: the class, with this interface and a plain reference beside any
//     fast kernel, plus tests/cpp/layers/test_<name>.cpp for its hand-worked cases.
//  2. One row in model/layer_catalog.cpp: Keras class name and aliases, summary base name,
//     Keras's positional arguments, architecture token, and the factory reading its config.
//     Then run build/native/write_layer_catalog to refresh web/lib/layer_catalog.mjs, which the
//     page's Python parser, model code, TF.js import and experiments table read.
//  3. One row in tests/cpp/conformance_cases.hpp: the finite-difference gradients, the
//     allocation-free training step, 1- vs 2-thread bit equality and the Keras JSON round trip
//     then run for it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "layers/regularizer.hpp"

namespace convlab {

enum class Mode { training, inference };

struct Param {
  std::string name;  // Keras weight name: "kernel", "bias", "gamma", "beta"
  Tensor* value;
  Tensor* grad;
  Regularizer regularizer;  // none unless the layer was given kernel_regularizer
};

struct Weight {
  std::string name;  // "moving_mean", "moving_variance"
  Tensor* value;
};

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual const char* class_name() const = 0;  // Keras class name: "Conv2D"
  const std::string& name() const { return name_; }

  virtual Shape build(const Shape& input_shape, Rng& rng) = 0;

  // What build would return (and throw), computed without allocating anything, plus the float
  // counts the layer will hold: Sequential sums them to refuse a model too large for memory
  // before it allocates (a fuzzed or mistyped config can ask for terabytes). Counts are doubles
  // so that absurd sizes do not wrap around. Defaults fit shape-preserving layers.
  virtual Shape output_shape_for(const Shape& input_shape) const { return input_shape; }
  // Trainable + non-trainable weights.
  virtual double weight_floats(const Shape& /*input_shape*/) const { return 0.0; }
  // Per-sample buffers beyond the output (N, out...) and input gradient (N, in...).
  virtual double scratch_floats(const Shape& /*input_shape*/, const Shape& /*output_shape*/) const {
    return 0.0;
  }
  virtual const Tensor& forward(const Tensor& x, Mode mode) = 0;
  virtual const Tensor& backward(const Tensor& dy) = 0;

  virtual std::vector<Param> params() { return {}; }
  virtual std::vector<Weight> non_trainable_weights() { return {}; }

  // The layer's Keras config fields, other than name/trainable/dtype which the model writes.
  virtual Json config() const = 0;

  // The first layer's dL/dx is never used; Sequential turns it off to save the work.
  void set_input_gradient_needed(bool needed) { input_gradient_needed_ = needed; }

 protected:
  std::string name_;
  bool input_gradient_needed_ = true;
};

}  // namespace convlab
