// Keras default initializers: glorot_uniform for kernels, zeros for biases.
#pragma once

#include <cmath>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace convlab {

// Glorot & Bengio 2010: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). For a conv
// kernel (kh, kw, C, F), Keras uses fan_in = kh*kw*C and fan_out = kh*kw*F.
inline void glorot_uniform(Tensor& w, std::size_t fan_in, std::size_t fan_out, Rng& rng) {
  const float limit = std::sqrt(6.0f / float(fan_in + fan_out));
  for (auto& v : w) v = rng.uniform(-limit, limit);
}

}  // namespace convlab
