// Test data for the kernel tests: uniform random floats, and their absolute values (the kernels'
// float-summation error bounds are computed by running the reference on |inputs|).
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "core/rng.hpp"

namespace convlab::testing {

inline std::vector<float> random_vector(std::size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (auto& e : v) e = rng.uniform(-1.0f, 1.0f);
  return v;
}

inline std::vector<float> absolute(std::vector<float> v) {
  for (auto& e : v) e = std::fabs(e);
  return v;
}

}  // namespace convlab::testing
