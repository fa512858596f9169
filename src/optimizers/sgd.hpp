// SGD (Keras), with optional (Nesterov) momentum:
//   momentum == 0:  w -= lr * g
//   otherwise:      v = momentum * v - lr * g;  w += v   (nesterov: w += momentum * v - lr * g)
// State: one velocity per parameter, only when momentum != 0.
#pragma once

#include "optimizers/optimizer.hpp"

namespace convlab {

class SGD : public Optimizer {
 public:
  // Keras defaults. Throws Error unless lr > 0 and momentum in [0, 1].
  explicit SGD(float learning_rate = 0.01f, float momentum = 0.0f, bool nesterov = false);

  const char* class_name() const override { return "SGD"; }
  void apply(const std::vector<Param>& params) override;
  Json config() const override;

  float momentum() const { return momentum_; }
  bool nesterov() const { return nesterov_; }

 private:
  float momentum_;
  bool nesterov_;
  std::vector<Tensor> velocity_;
};

}  // namespace convlab
