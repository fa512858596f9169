// RMSprop (Keras; Hinton's lecture 6e), with epsilon inside the square root as in TF's
// ApplyRMSProp and Keras 3:
//   v = rho * v + (1 - rho) * g^2
//   centered: a = rho * a + (1 - rho) * g;  denominator = v - a^2 + epsilon
//   otherwise:                              denominator = v + epsilon
//   increment = lr * g / sqrt(denominator)
//   momentum > 0: mom = momentum * mom + increment;  w -= mom    otherwise: w -= increment
// State: v, plus a (centered) and mom (momentum > 0), shaped like each parameter.
#pragma once

#include "optimizers/optimizer.hpp"

namespace convlab {

class RMSprop : public Optimizer {
 public:
  // Keras defaults. Throws Error unless lr > 0, rho in [0, 1), momentum in [0, 1],
  // epsilon >= 0.
  explicit RMSprop(float learning_rate = 0.001f, float rho = 0.9f, float momentum = 0.0f,
                   float epsilon = 1e-7f, bool centered = false);

  const char* class_name() const override { return "RMSprop"; }
  void apply(const std::vector<Param>& params) override;
  Json config() const override;

  float rho() const { return rho_; }
  float momentum() const { return momentum_; }
  float epsilon() const { return epsilon_; }
  bool centered() const { return centered_; }

 private:
  float rho_, momentum_, epsilon_;
  bool centered_;
  std::vector<Tensor> velocity_, average_grad_, momentum_state_;
};

}  // namespace convlab
