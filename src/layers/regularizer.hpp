// Keras kernel_regularizer: penalty = l1 * sum|w| + l2 * sum(w^2), added to the loss;
// its gradient l1 * sign(w) + 2 * l2 * w is added to the weight's gradient.
#pragma once

#include <cmath>

#include "core/tensor.hpp"

namespace convlab {

struct Regularizer {
  float l1 = 0.0f;
  float l2 = 0.0f;

  bool active() const { return l1 != 0.0f || l2 != 0.0f; }

  double penalty(const Tensor& w) const {
    double abs_sum = 0.0, sq_sum = 0.0;
    const float* p = w.data();
    for (std::size_t i = 0, n = w.size(); i < n; ++i) {
      abs_sum += std::fabs(p[i]);
      sq_sum += double(p[i]) * p[i];
    }
    return l1 * abs_sum + l2 * sq_sum;
  }

  void add_gradient(const Tensor& w, Tensor& grad) const {
    const float* p = w.data();
    float* g = grad.data();
    for (std::size_t i = 0, n = w.size(); i < n; ++i) {
      const float sign = p[i] > 0.0f ? 1.0f : (p[i] < 0.0f ? -1.0f : 0.0f);
      g[i] += l1 * sign + 2.0f * l2 * p[i];
    }
  }
};

}  // namespace convlab
