#include "optimizers/rmsprop.hpp"

#include <cmath>

#include "core/error.hpp"

namespace convlab {

RMSprop::RMSprop(float learning_rate, float rho, float momentum, float epsilon, bool centered)
    : Optimizer(learning_rate),
      rho_(rho),
      momentum_(momentum),
      epsilon_(epsilon),
      centered_(centered) {
  set_learning_rate(learning_rate);
  check_range("rho", rho, 0.0f, 1.0f, false);
  check_range("momentum", momentum, 0.0f, 1.0f, true);
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    throw Error(who() + ": epsilon must be >= 0, got " + format_number(epsilon));
}

void RMSprop::apply(const std::vector<Param>& params) {
  size_state(velocity_, params);
  if (centered_) size_state(average_grad_, params);
  if (momentum_ > 0.0f) size_state(momentum_state_, params);
  const float lr = learning_rate_, rho = rho_, one_minus_rho = 1.0f - rho_, eps = epsilon_,
              mu = momentum_;
  for (std::size_t k = 0; k < params.size(); ++k) {
    float* w = params[k].value->data();
    const float* g = params[k].grad->data();
    float* v = velocity_[k].data();
    float* a = centered_ ? average_grad_[k].data() : nullptr;
    float* mom = momentum_ > 0.0f ? momentum_state_[k].data() : nullptr;
    for (std::size_t i = 0, n = velocity_[k].size(); i < n; ++i) {
      v[i] = rho * v[i] + one_minus_rho * (g[i] * g[i]);
      float denominator = v[i] + eps;
      if (a) {
        a[i] = rho * a[i] + one_minus_rho * g[i];
        denominator = v[i] - a[i] * a[i] + eps;
      }
      const float increment = (lr * g[i]) / std::sqrt(denominator);
      if (mom) {
        mom[i] = mu * mom[i] + increment;
        w[i] -= mom[i];
      } else {
        w[i] -= increment;
      }
    }
  }
  ++iterations_;
}

Json RMSprop::config() const {
  return Json{{"name", class_name()},
              {"learning_rate", config_number(learning_rate_)},
              {"rho", config_number(rho_)},
              {"momentum", config_number(momentum_)},
              {"epsilon", config_number(epsilon_)},
              {"centered", centered_}};
}

}  // namespace convlab
