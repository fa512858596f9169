// Keras's activation layers with a parameter: LeakyReLU, ELU and ReLU.
//   in (N, ...)  out (N, ...)  no params
//   LeakyReLU(alpha=0.3):    y = x for x > 0, alpha * x otherwise (Keras 3 calls it
//                            negative_slope; convlab writes tf.keras 2's alpha, as TF.js reads)
//   ELU(alpha=1.0):          y = x for x > 0, alpha * (exp(x) - 1) otherwise
//   ReLU(max_value=None, negative_slope=0, threshold=0):
//                            y = min(x, max_value) for x >= threshold,
//                            negative_slope * (x - threshold) otherwise
// Backward reads x (kept from forward, as the Layer contract allows).
#pragma once

#include <optional>

#include "layers/layer.hpp"

namespace convlab {

class ElementwiseLayer : public Layer {
 public:
  using Layer::Layer;
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;

 protected:
  virtual float f(float x) const = 0;
  virtual float df(float x) const = 0;  // dy/dx at x

 private:
  const Tensor* x_ = nullptr;
  Tensor y_, dx_;
};

class LeakyReLU : public ElementwiseLayer {
 public:
  LeakyReLU(std::string name, float alpha = 0.3f);
  const char* class_name() const override { return "LeakyReLU"; }
  Json config() const override;

 private:
  float f(float x) const override { return x > 0.0f ? x : alpha_ * x; }
  float df(float x) const override { return x > 0.0f ? 1.0f : alpha_; }
  float alpha_;
};

class ELU : public ElementwiseLayer {
 public:
  ELU(std::string name, float alpha = 1.0f);
  const char* class_name() const override { return "ELU"; }
  Json config() const override;

 private:
  float f(float x) const override;
  float df(float x) const override;
  float alpha_;
};

class ReLU : public ElementwiseLayer {
 public:
  ReLU(std::string name, std::optional<float> max_value = std::nullopt, float negative_slope = 0.0f,
       float threshold = 0.0f);
  const char* class_name() const override { return "ReLU"; }
  Json config() const override;

 private:
  float f(float x) const override;
  float df(float x) const override;
  std::optional<float> max_value_;
  float negative_slope_, threshold_;
};

}  // namespace convlab
