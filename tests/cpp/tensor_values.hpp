// Tensors from and to plain value lists, and bit-for-bit comparison, for the tests that check
// hand-worked examples or results that must not change with the thread count.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/tensor.hpp"

namespace convlab::testing {

inline Tensor tensor_of(const Shape& shape, const std::vector<float>& values) {
  Tensor t = Tensor::from_shape(shape);
  REQUIRE(t.size() == values.size());
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

inline std::vector<float> values_of(const Tensor& t) {
  return std::vector<float>(t.begin(), t.end());
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace convlab::testing
