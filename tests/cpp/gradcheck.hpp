// Finite-difference gradient check shared by every layer test.
//
// The scalar checked is L = sum(forward(x) .* R) for a fixed random R, so dL/dy = R and
// backward(R) must give dL/dx and dL/dparams. Each entry is compared with the central
// difference (L(v + h) - L(v - h)) / 2h, with L summed in double.
//
// Tolerance: the layers compute in float32, so L carries a rounding error of about
// 1e-7 * sum|y .* R|; dividing by 2h = 2e-2 turns that into ~1e-5 * sum|y .* R|, i.e.
// around 1e-4 for the small tensors used in tests. The truncation error of the central
// difference is O(h^2) = 1e-4 times the third derivative. So an entry passes when
// |numeric - analytic| <= atol + rtol * max(|numeric|, |analytic|), with atol = 2e-3 and
// rtol = 2e-2 by default: 10x above both error sources, yet far below any real bug (a wrong
// sign, index or missing term is an O(1) relative error). Inputs for ReLU and max-pool are
// chosen away from kinks and ties by the tests, because a central difference across a kink
// is meaningless.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>

#include "core/rng.hpp"
#include "core/tensor.hpp"
#include "layers/layer.hpp"

namespace convlab::testing {

inline Tensor random_tensor(const Shape& shape, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  Tensor t = Tensor::from_shape(shape);
  for (auto& v : t) v = rng.uniform(lo, hi);
  return t;
}

struct GradCheckOptions {
  Mode mode = Mode::training;
  double h = 1e-2;
  double atol = 2e-3;
  double rtol = 2e-2;
  // Runs before every forward pass: e.g. reseeding the RNG so Dropout draws the same mask.
  std::function<void()> before_forward = [] {};
};

inline double weighted_sum(const Tensor& y, const Tensor& r) {
  double s = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * r.data()[i];
  return s;
}

// Checks one tensor's analytic gradient against central differences of `loss`.
inline void check_entries(const std::string& what, Tensor& value, const Tensor& analytic,
                          const std::function<double()>& loss, const GradCheckOptions& o) {
  REQUIRE(value.size() == analytic.size());
  int failures = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const float saved = value.data()[i];
    value.data()[i] = saved + float(o.h);
    const double plus = loss();
    value.data()[i] = saved - float(o.h);
    const double minus = loss();
    value.data()[i] = saved;
    const double numeric = (plus - minus) / (2.0 * o.h);
    const double a = analytic.data()[i];
    const double bound = o.atol + o.rtol * std::max(std::fabs(numeric), std::fabs(a));
    if (std::fabs(numeric - a) > bound && failures++ < 5) {
      INFO(what << "[" << i << "]: numeric " << numeric << " vs analytic " << a);
      CHECK(std::fabs(numeric - a) <= bound);
    }
  }
  INFO(what << ": " << failures << " of " << value.size() << " entries off");
  CHECK(failures == 0);
}

// Checks dL/dx and every trainable parameter's gradient of a built layer at input x.
inline void check_layer_gradients(Layer& layer, Tensor x, const GradCheckOptions& o = {}) {
  Rng rng(1234);
  o.before_forward();
  const Tensor y = layer.forward(x, o.mode);
  const Tensor r = random_tensor(Shape(y.shape().begin(), y.shape().end()), rng);
  const Tensor dx = layer.backward(r);
  std::vector<Tensor> param_grads;
  for (auto& p : layer.params()) param_grads.push_back(*p.grad);

  auto loss = [&] {
    o.before_forward();
    return weighted_sum(layer.forward(x, o.mode), r);
  };
  check_entries(std::string(layer.name()) + " dx", x, dx, loss, o);
  auto params = layer.params();
  for (std::size_t k = 0; k < params.size(); ++k)
    check_entries(layer.name() + " d" + params[k].name, *params[k].value, param_grads[k], loss, o);
}

}  // namespace convlab::testing
