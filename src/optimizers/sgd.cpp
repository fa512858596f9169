#include "optimizers/sgd.hpp"

namespace convlab {

SGD::SGD(float learning_rate, float momentum, bool nesterov)
    : Optimizer(learning_rate), momentum_(momentum), nesterov_(nesterov) {
  set_learning_rate(learning_rate);
  check_range("momentum", momentum, 0.0f, 1.0f, true);  // Keras: "between [0, 1]"
}

void SGD::apply(const std::vector<Param>& params) {
  const float lr = learning_rate_, mu = momentum_;
  if (mu == 0.0f) {
    for (const auto& p : params) {
      float* w = p.value->data();
      const float* g = p.grad->data();
      for (std::size_t i = 0, n = p.value->size(); i < n; ++i) w[i] -= g[i] * lr;
    }
  } else {
    size_state(velocity_, params);
    for (std::size_t k = 0; k < params.size(); ++k) {
      float* w = params[k].value->data();
      const float* g = params[k].grad->data();
      float* v = velocity_[k].data();
      const std::size_t n = velocity_[k].size();
      if (nesterov_) {
        for (std::size_t i = 0; i < n; ++i) {
          v[i] = mu * v[i] - g[i] * lr;
          w[i] += mu * v[i] - g[i] * lr;
        }
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          v[i] = mu * v[i] - g[i] * lr;
          w[i] += v[i];
        }
      }
    }
  }
  ++iterations_;
}

Json SGD::config() const {
  return Json{{"name", class_name()},
              {"learning_rate", config_number(learning_rate_)},
              {"momentum", config_number(momentum_)},
              {"nesterov", nesterov_}};
}

}  // namespace convlab
