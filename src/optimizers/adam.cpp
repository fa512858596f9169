#include "optimizers/adam.hpp"

#include <cmath>
#include <xsimd/xsimd.hpp>

#include "core/error.hpp"
#include "core/thread_pool.hpp"

namespace convlab {

namespace {
using batch = xsimd::batch<float>;
}  // namespace

Adam::Adam(float learning_rate, float beta_1, float beta_2, float epsilon)
    : Optimizer(learning_rate), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon) {
  set_learning_rate(learning_rate);
  check_range("beta_1", beta_1, 0.0f, 1.0f, false);
  check_range("beta_2", beta_2, 0.0f, 1.0f, false);
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    throw Error(who() + ": epsilon must be >= 0, got " + format_number(epsilon));
}

void Adam::apply(const std::vector<Param>& params) {
  size_state(m_, params);
  size_state(v_, params);
  // Bias corrections in double: beta_2^t stays close to 1 for thousands of steps, where
  // float32's 1 - beta_2^t would lose most of its digits.
  const double t = double(iterations_ + 1);
  const float lr_t = float(double(learning_rate_) * std::sqrt(1.0 - std::pow(double(beta_2_), t)) /
                           (1.0 - std::pow(double(beta_1_), t)));
  const float one_minus_b1 = 1.0f - beta_1_, one_minus_b2 = 1.0f - beta_2_, eps = epsilon_;
  for (std::size_t k = 0; k < params.size(); ++k) {
    float* w = params[k].value->data();
    const float* g = params[k].grad->data();
    float* m = m_[k].data();
    float* v = v_[k].data();
    const std::size_t n = m_[k].size();
    // Each element's update is independent, so threads simply take halves of the tensor.
    const int chunks = chunks_for(long(n) * 4, long(n / batch::size));
    parallel_for(chunks, [&](int chunk) {
      const Range r = chunk_range(int(n), chunks, chunk, int(batch::size));
      std::size_t i = std::size_t(r.begin);
      const std::size_t end = std::size_t(r.end);
      // The same float operations lane by lane (sqrt is exactly rounded in SIMD too), so the
      // vector body and the scalar tail give bit-identical results.
      const batch b1(one_minus_b1), b2(one_minus_b2), lr(lr_t), e(eps);
      for (; i + batch::size <= end; i += batch::size) {
        const batch gi = batch::load_unaligned(g + i);
        batch mi = batch::load_unaligned(m + i), vi = batch::load_unaligned(v + i);
        mi += (gi - mi) * b1;
        vi += (gi * gi - vi) * b2;
        (batch::load_unaligned(w + i) - (mi * lr) / (xsimd::sqrt(vi) + e)).store_unaligned(w + i);
        mi.store_unaligned(m + i);
        vi.store_unaligned(v + i);
      }
      for (; i < end; ++i) {
        m[i] += (g[i] - m[i]) * one_minus_b1;
        v[i] += (g[i] * g[i] - v[i]) * one_minus_b2;
        w[i] -= (m[i] * lr_t) / (std::sqrt(v[i]) + eps);
      }
    });
  }
  ++iterations_;
}

Json Adam::config() const {
  return Json{{"name", class_name()},
              {"learning_rate", config_number(learning_rate_)},
              {"beta_1", config_number(beta_1_)},
              {"beta_2", config_number(beta_2_)},
              {"epsilon", config_number(epsilon_)},
              {"amsgrad", false}};
}

}  // namespace convlab
