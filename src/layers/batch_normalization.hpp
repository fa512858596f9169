// BatchNormalization (Keras): normalises every axis but the last (Ioffe & Szegedy 2015).
//   in (N, ..., C)  out (N, ..., C)  e.g. (N, H, W, C) per channel, (N, D) per feature
//   params: gamma (C) ones, beta (C) zeros
//   non-trainable: moving_mean (C) zeros, moving_variance (C) ones
// Training: y = gamma * (x - mean) / sqrt(var + epsilon) + beta with the batch mean and biased
// variance over the N*H*W values of each channel, and each moving statistic becomes
// moving * momentum + batch_stat * (1 - momentum) (Keras 3's documented update).
// Inference: the same formula with the moving statistics.
#pragma once

#include "layers/layer.hpp"

namespace convlab {

class BatchNormalization : public Layer {
 public:
  // Throws Error unless 0 <= momentum < 1 and epsilon > 0.
  BatchNormalization(std::string name, float momentum = 0.99f, float epsilon = 1e-3f);

  const char* class_name() const override { return "BatchNormalization"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  Shape output_shape_for(const Shape& input_shape) const override;
  double weight_floats(const Shape& input_shape) const override;
  double scratch_floats(const Shape& input_shape, const Shape& output_shape) const override;
  const Tensor& forward(const Tensor& x, Mode mode) override;
  const Tensor& backward(const Tensor& dy) override;
  std::vector<Param> params() override;
  std::vector<Weight> non_trainable_weights() override;
  Json config() const override;

 private:
  float momentum_;
  float epsilon_;
  std::size_t channels_ = 0;

  Tensor gamma_, beta_;                   // (C)
  Tensor grad_gamma_, grad_beta_;         // (C)
  Tensor moving_mean_, moving_variance_;  // (C)

  Mode mode_ = Mode::inference;     // of the last forward: picks the backward formula
  std::vector<double> mean_, var_;  // (C) batch statistics, accumulated in double
  std::vector<float> inv_std_;      // (C) 1 / sqrt(var + epsilon) used by the last forward
  std::vector<double> sum_dy_, sum_dy_xhat_;  // (C) backward reductions
  Tensor xhat_;                               // (N, ..., C) normalised input, kept for backward
  Tensor y_;                                  // (N, ..., C)
  Tensor dx_;                                 // (N, ..., C)
};

}  // namespace convlab
