#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "kernels/pooling.hpp"
#include "windows.hpp"

using namespace convlab;
using convlab::testing::make_window;

namespace {

std::size_t input_size(const Window2D& g) {
  return std::size_t(g.N) * g.H * g.W * g.C;
}
std::size_t output_size(const Window2D& g) {
  return std::size_t(g.rows()) * g.C;
}

// Random x in [-1, 1), its max pool forward (y, argmax), and a random dy in [-1, 1).
struct PoolRun {
  std::vector<float> x, y, dy;
  std::vector<int32_t> argmax;
};
PoolRun forward_and_random_dy(const Window2D& g, Rng& rng) {
  PoolRun r{std::vector<float>(input_size(g)), std::vector<float>(output_size(g)),
            std::vector<float>(output_size(g)), std::vector<int32_t>(output_size(g))};
  for (auto& v : r.x) v = rng.uniform(-1.0f, 1.0f);
  max_pool_forward(g, r.x.data(), r.y.data(), r.argmax.data());
  for (auto& v : r.dy) v = rng.uniform(-1.0f, 1.0f);
  return r;
}

// Odd shapes, pools 2 and 3, strides 1-3, both paddings. C = 9 exercises both the vector
// channel loop and its scalar tail; C = 1 only the tail.
template <class F>
void for_each_pool_window(F check) {
  const int shapes[][2] = {{7, 5}, {9, 11}, {4, 4}, {3, 8}};
  for (auto shape : shapes)
    for (int k : {2, 3})
      for (int stride : {1, 2, 3})
        for (Padding padding : {Padding::valid, Padding::same})
          for (int C : {1, 4, 9}) {
            const Window2D g = make_window(2, shape[0], shape[1], C, k, stride, padding);
            if (g.OH <= 0 || g.OW <= 0) continue;
            CAPTURE(g.H);
            CAPTURE(g.W);
            CAPTURE(C);
            CAPTURE(k);
            CAPTURE(stride);
            CAPTURE(padding == Padding::same);
            check(g);
          }
}

}  // namespace

TEST_CASE("max pool 2x2 stride 2 on a 4x4 image by hand") {
  const Window2D g = make_window(1, 4, 4, 1, 2, 2, Padding::valid);
  const std::vector<float> x{1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4};
  std::vector<float> y(4);
  std::vector<int32_t> argmax(4);
  max_pool_forward(g, x.data(), y.data(), argmax.data());
  CHECK(y == std::vector<float>{6, 8, 3, 4});
  CHECK(argmax == std::vector<int32_t>{5, 7, 8, 15});

  const std::vector<float> dy{1, 2, 3, 4};
  std::vector<float> dx(16, -7.0f);
  max_pool_backward(g, dy.data(), argmax.data(), dx.data());
  CHECK(dx == std::vector<float>{0, 0, 0, 0, 0, 1, 0, 2, 3, 0, 0, 0, 0, 0, 0, 4});
}

TEST_CASE("max pool matches the naive reference and its argmax points at the winner") {
  Rng rng(11);
  for_each_pool_window([&](const Window2D& g) {
    std::vector<float> x(input_size(g));
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    std::vector<float> y(output_size(g)), expected(output_size(g));
    std::vector<int32_t> argmax(output_size(g));
    max_pool_forward(g, x.data(), y.data(), argmax.data());
    max_pool_forward_naive(g, x.data(), expected.data());
    CHECK(y == expected);  // a maximum involves no rounding, so exact

    // The argmax must be an input pixel inside this output's window, in the same channel.
    int bad = 0;
    for (int n = 0; n < g.N; ++n)
      for (int oy = 0; oy < g.OH; ++oy)
        for (int ox = 0; ox < g.OW; ++ox)
          for (int c = 0; c < g.C; ++c) {
            const std::size_t o = ((std::size_t(n) * g.OH + oy) * g.OW + ox) * g.C + c;
            const int32_t i = argmax[o];
            const int ic = i % g.C, ix = i / g.C % g.W, iy = i / g.C / g.W % g.H;
            const int in = i / g.C / g.W / g.H;
            const int dy = iy - (oy * g.stride_h - g.pad_top);
            const int dx = ix - (ox * g.stride_w - g.pad_left);
            const bool inside =
                i >= 0 && in == n && ic == c && dy >= 0 && dy < g.kh && dx >= 0 && dx < g.kw;
            if (!inside || x[i] != y[o]) ++bad;
          }
    CHECK(bad == 0);
  });
}

TEST_CASE("max pool ties go to the first pixel and padding never wins") {
  // All inputs equal and negative: with same padding the padding must not win (it is -inf, not
  // 0), and every window's argmax is its first in-bounds pixel in (ky, kx) order. Also the
  // unrolled 2x2 path (whole windows at stride 2).
  for (const Window2D& g : {make_window(1, 5, 5, 6, 3, 2, Padding::same),
                            make_window(1, 6, 7, 6, 2, 2, Padding::valid)}) {
    CAPTURE(g.kh);
    std::vector<float> x(input_size(g), -2.5f);
    std::vector<float> y(output_size(g));
    std::vector<int32_t> argmax(output_size(g));
    max_pool_forward(g, x.data(), y.data(), argmax.data());
    for (float v : y) CHECK(v == -2.5f);
    for (int oy = 0; oy < g.OH; ++oy)
      for (int ox = 0; ox < g.OW; ++ox)
        for (int c = 0; c < g.C; ++c) {
          const int iy = std::max(0, oy * g.stride_h - g.pad_top);
          const int ix = std::max(0, ox * g.stride_w - g.pad_left);
          CHECK(argmax[(oy * g.OW + ox) * g.C + c] == (iy * g.W + ix) * g.C + c);
        }
  }
}

TEST_CASE("max pool backward routes each dy to its window's argmax") {
  Rng rng(13);
  for_each_pool_window([&](const Window2D& g) {
    const auto [x, y, dy, argmax] = forward_and_random_dy(g, rng);
    std::vector<float> dx(input_size(g), 99.0f);  // backward must overwrite
    max_pool_backward(g, dy.data(), argmax.data(), dx.data());

    // Reference scatter in double. Overlapping windows (stride < pool) can share a winner, so
    // a pixel may collect several dy: allow the float rounding of those few additions.
    std::vector<double> expected(x.size(), 0.0), magnitude(x.size(), 0.0);
    double dy_sum = 0.0, dx_sum = 0.0, dy_abs = 0.0;
    for (std::size_t o = 0; o < dy.size(); ++o) {
      expected[argmax[o]] += dy[o];
      magnitude[argmax[o]] += std::fabs(dy[o]);
      dy_sum += dy[o];
      dy_abs += std::fabs(dy[o]);
    }
    int bad = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      dx_sum += dx[i];
      if (!(std::fabs(dx[i] - expected[i]) <= 1e-6 * magnitude[i])) ++bad;
    }
    CHECK(bad == 0);
    CHECK(std::fabs(dx_sum - dy_sum) <= 1e-6 * dy_abs);  // no dy lost or duplicated
  });
}

TEST_CASE("the values-only forward equals the argmax forward, ties and NaNs included") {
  Rng rng(13);
  for_each_pool_window([&](const Window2D& g) {
    // Values on a coarse grid so windows hold ties, plus NaNs (first pixel of a window or not).
    std::vector<float> x(input_size(g));
    for (auto& v : x) v = float(int(rng.below(5))) - 2.0f;
    for (int i = 0; i < 3; ++i) x[rng.below(uint32_t(x.size()))] = std::nanf("");
    x[0] = std::nanf("");
    std::vector<float> y(output_size(g)), y_ref(output_size(g));
    std::vector<int32_t> argmax(output_size(g));
    max_pool_forward(g, x.data(), y_ref.data(), argmax.data());
    max_pool_forward_values(g, x.data(), y.data());
    int bad = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!(y[i] == y_ref[i] || (std::isnan(y[i]) && std::isnan(y_ref[i])))) ++bad;
    CHECK(bad == 0);
  });
}

TEST_CASE("max pool backward equals the plain scatter bit for bit, on any thread count") {
  Rng rng(17);
  const long saved_work = min_parallel_work();
  const int saved_threads = num_threads();
  set_min_parallel_work(0);
  for (int threads : {1, 2, 3, 4, 8}) {
    CAPTURE(threads);
    set_num_threads(threads);
    for_each_pool_window([&](const Window2D& g) {
      const PoolRun r = forward_and_random_dy(g, rng);
      std::vector<float> dy = r.dy;
      const std::vector<int32_t>& argmax = r.argmax;
      dy[0] = -0.0f;  // the scatter's 0 + -0 is +0
      std::vector<float> dx(input_size(g), 99.0f), expected(input_size(g), -99.0f);
      max_pool_backward(g, dy.data(), argmax.data(), dx.data());
      max_pool_backward_naive(g, dy.data(), argmax.data(), expected.data());
      int bad = 0;
      for (std::size_t i = 0; i < dx.size(); ++i)
        if (std::memcmp(&dx[i], &expected[i], sizeof(float)) != 0) ++bad;
      CHECK(bad == 0);
    });
  }
  set_num_threads(saved_threads);
  set_min_parallel_work(saved_work);
}
