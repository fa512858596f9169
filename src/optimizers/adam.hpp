// Adam (Keras): Kingma & Ba 2015, Alg. 1 in Keras's "epsilon hat" form. With t = iterations + 1:
//   lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//   m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
//   w -= lr_t * m / (sqrt(v) + epsilon)
// Epsilon is added to sqrt(v), not to sqrt(v_hat) as in the paper: Keras's form, kept so that
// training follows Keras step for step. State: m, v shaped like each parameter.
#pragma once

#include "optimizers/optimizer.hpp"

namespace convlab {

class Adam : public Optimizer {
 public:
  // Keras defaults. Throws Error unless lr > 0, beta_1 and beta_2 in [0, 1), epsilon >= 0.
  explicit Adam(float learning_rate = 0.001f, float beta_1 = 0.9f, float beta_2 = 0.999f,
                float epsilon = 1e-7f);

  const char* class_name() const override { return "Adam"; }
  void apply(const std::vector<Param>& params) override;
  Json config() const override;

  float beta_1() const { return beta_1_; }
  float beta_2() const { return beta_2_; }
  float epsilon() const { return epsilon_; }

 private:
  float beta_1_, beta_2_, epsilon_;
  std::vector<Tensor> m_, v_;
};

}  // namespace convlab
