#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "kernels/vec.hpp"
#include "random_vectors.hpp"

using namespace convlab;
using testing::random_vector;

namespace {

// Equal values, or both NaN. (Signed zeros compare equal: wasm's scalar max may turn
// std::max(-0.f, 0.f) into +0 where the vector select keeps -0; nothing downstream can tell.)
bool same_value(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

TEST_CASE("column_sums equals the row-order reference bit for bit on odd shapes") {
  Rng rng(3);
  for (std::size_t rows : {0, 1, 2, 7, 33})
    for (std::size_t cols : {1, 3, 4, 5, 15, 16, 17, 37, 128}) {
      CAPTURE(rows);
      CAPTURE(cols);
      const auto x = random_vector(rows * cols, rng);
      std::vector<float> fast(cols, 99.0f), ref(cols, -99.0f);
      column_sums(x.data(), rows, cols, fast.data());
      column_sums_naive(x.data(), rows, cols, ref.data());
      CHECK(fast == ref);
    }
}

TEST_CASE("add_to and copy_short match element loops on every length up to 19") {
  Rng rng(4);
  for (std::size_t n = 0; n < 20; ++n) {
    CAPTURE(n);
    const auto src = random_vector(n + 1, rng);
    auto dst = random_vector(n + 1, rng), want = dst;
    add_to(dst.data(), src.data(), n);
    for (std::size_t i = 0; i < n; ++i) want[i] += src[i];
    CHECK(dst == want);  // including the untouched last element
    copy_short(dst.data(), src.data(), n);
    std::copy(src.begin(), src.begin() + n, want.begin());
    CHECK(dst == want);
  }
}

TEST_CASE("relu forward and backward match the scalar formulas, NaN and signed zero included") {
  Rng rng(5);
  for (std::size_t n : {1, 3, 4, 9, 31}) {
    CAPTURE(n);
    auto y = random_vector(n, rng);
    y[0] = std::nanf("");
    if (n > 2) y[2] = -0.0f;
    const auto dy = random_vector(n, rng);
    auto fwd = y;
    relu_forward(fwd.data(), n);
    std::vector<float> dx(n), dx_alias = dy;
    relu_backward(fwd.data(), dy.data(), dx.data(), n);
    relu_backward(fwd.data(), dx_alias.data(), dx_alias.data(), n);  // dx may alias dy
    for (std::size_t i = 0; i < n; ++i) {
      CAPTURE(i);
      const float want = std::max(y[i], 0.0f);
      CHECK(same_value(fwd[i], want));
      const float want_dx = want > 0.0f ? dy[i] : 0.0f;
      CHECK(same_value(dx[i], want_dx));
      CHECK(same_value(dx_alias[i], want_dx));
    }
  }
}
