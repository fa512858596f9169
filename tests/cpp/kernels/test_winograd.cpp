#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/winograd.hpp"
#include "random_vectors.hpp"
#include "thread_count.hpp"
#include "windows.hpp"

using namespace convlab;
using testing::absolute;
using testing::make_window;
using testing::random_vector;
using testing::Threads;

namespace {

// Winograd's transforms add and subtract values up to 5x (and their inverses up to 8x) larger
// than the inputs before the products, so its rounding error is larger than a direct sum's:
// measured under 64 u of sum |terms| on these shapes, bounded here at 256 u. A wrong
// coefficient or a misplaced tile is off by about the whole sum.
constexpr float kRelativeError = 256 * FLT_EPSILON;

// Odd, even and tiny sizes (one tile, a tile and a sliver), both paddings, channel counts
// below, at and past the SIMD width.
template <class F>
void for_each_shape(F check) {
  const int sizes[][2] = {{3, 3}, {5, 7}, {6, 6}, {11, 11}, {13, 10}, {4, 9}};
  for (auto size : sizes)
    for (Padding padding : {Padding::valid, Padding::same})
      for (int C : {1, 3, 8, 13}) {
        const Window2D g = make_window(3, size[0], size[1], C, 3, 1, padding);
        CAPTURE(g.H);
        CAPTURE(g.W);
        CAPTURE(C);
        CAPTURE(padding == Padding::same);
        check(g);
      }
}

int count_outside(const std::vector<float>& got, const std::vector<float>& expected,
                  const std::vector<float>& bound) {
  int bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - expected[i]) <= kRelativeError * bound[i] + 1e-30f)) ++bad;
  return bad;
}

}  // namespace

TEST_CASE("winograd_conv equals the direct convolution, with bias and ReLU") {
  Rng rng(11);
  for_each_shape([&](const Window2D& g) {
    for (int F : {1, 5, 8, 17}) {
      CAPTURE(F);
      const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
      const auto kernel = random_vector(std::size_t(9) * g.C * F, rng);
      const auto bias = random_vector(F, rng);
      std::vector<float> expected(std::size_t(g.rows()) * F), bound(expected.size());
      conv2d_forward_naive(g, F, x.data(), kernel.data(), bias.data(), expected.data());
      conv2d_forward_naive(g, F, absolute(x).data(), absolute(kernel).data(), absolute(bias).data(),
                           bound.data());

      const WinogradShape s = winograd_forward_shape(g, F);
      std::vector<float> u(winograd_kernel_floats(g.C, F));
      winograd_kernel_transform(kernel.data(), g.C, F, false, u.data());
      std::vector<float> work(winograd_workspace_floats(s), std::nanf(""));
      std::vector<float> y(expected.size(), std::nanf(""));  // every output must be written
      winograd_conv(s, x.data(), u.data(), y.data(), {bias.data(), false}, work.data());
      CHECK(count_outside(y, expected, bound) == 0);

      for (auto& e : expected) e = std::max(e, 0.0f);
      winograd_conv(s, x.data(), u.data(), y.data(), {bias.data(), true}, work.data());
      CHECK(count_outside(y, expected, bound) == 0);
    }
  });
}

TEST_CASE("winograd_conv computes a convolution's input gradient: col2im(dz . kernel^T)") {
  Rng rng(12);
  for_each_shape([&](const Window2D& g) {
    for (int F : {8, 9}) {
      CAPTURE(F);
      const auto dz = random_vector(std::size_t(g.rows()) * F, rng);
      const auto kernel = random_vector(std::size_t(9) * g.C * F, rng);
      const std::size_t x_size = std::size_t(g.N) * g.H * g.W * g.C;
      std::vector<float> dcols(std::size_t(g.rows()) * g.patch());
      std::vector<float> expected(x_size), bound(x_size);
      gemm_naive(false, true, g.rows(), g.patch(), F, dz.data(), F, kernel.data(), F, dcols.data(),
                 g.patch(), false);
      col2im(g, dcols.data(), expected.data());
      gemm_naive(false, true, g.rows(), g.patch(), F, absolute(dz).data(), F,
                 absolute(kernel).data(), F, dcols.data(), g.patch(), false);
      col2im(g, dcols.data(), bound.data());

      const WinogradShape s = winograd_input_gradient_shape(g, F);
      std::vector<float> u(winograd_kernel_floats(g.C, F));
      winograd_kernel_transform(kernel.data(), g.C, F, true, u.data());
      std::vector<float> work(winograd_workspace_floats(s), std::nanf(""));
      std::vector<float> dx(x_size, std::nanf(""));
      winograd_conv(s, dz.data(), u.data(), dx.data(), {}, work.data());
      CHECK(count_outside(dx, expected, bound) == 0);
    }
  });
}

TEST_CASE("winograd_kernel_gradient equals im2col(x)^T . dz") {
  Rng rng(14);
  for_each_shape([&](const Window2D& g) {
    for (int F : {1, 8, 9}) {
      CAPTURE(F);
      const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
      const auto dz = random_vector(std::size_t(g.rows()) * F, rng);
      std::vector<float> cols(std::size_t(g.rows()) * g.patch());
      std::vector<float> expected(std::size_t(g.patch()) * F), bound(expected.size());
      im2col(g, x.data(), cols.data());
      gemm_naive(true, false, g.patch(), F, g.rows(), cols.data(), g.patch(), dz.data(), F,
                 expected.data(), F, false);
      im2col(g, absolute(x).data(), cols.data());
      gemm_naive(true, false, g.patch(), F, g.rows(), cols.data(), g.patch(), absolute(dz).data(),
                 F, bound.data(), F, false);

      const WinogradShape s = winograd_forward_shape(g, F);
      std::vector<float> work(winograd_kernel_gradient_floats(s), std::nanf(""));
      std::vector<float> dk(expected.size(), std::nanf(""));
      winograd_kernel_gradient(s, x.data(), dz.data(), dk.data(), work.data());
      CHECK(count_outside(dk, expected, bound) == 0);
    }
  });
}

TEST_CASE("winograd_conv and winograd_kernel_gradient give the same bits on one and two threads") {
  // 40 images of 11x11 outputs: 360 tiles, 12 blocks, enough to be split between threads.
  Rng rng(13);
  const Window2D g = make_window(40, 13, 13, 16, 3, 1, Padding::valid);
  const int F = 16;
  const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
  const auto kernel = random_vector(std::size_t(9) * g.C * F, rng);
  const WinogradShape s = winograd_forward_shape(g, F);
  std::vector<float> u(winograd_kernel_floats(g.C, F));
  winograd_kernel_transform(kernel.data(), g.C, F, false, u.data());
  std::vector<float> work(winograd_workspace_floats(s));
  std::vector<float> one(std::size_t(g.rows()) * F), two(one.size());
  {
    Threads t(1);
    winograd_conv(s, x.data(), u.data(), one.data(), {}, work.data());
  }
  const long jobs = pool_jobs();
  {
    Threads t(2);
    winograd_conv(s, x.data(), u.data(), two.data(), {}, work.data());
  }
  CHECK(one == two);
  if (max_threads() > 1) CHECK(pool_jobs() > jobs);

  std::vector<float> grad_work(winograd_kernel_gradient_floats(s));
  std::vector<float> dk_one(std::size_t(9) * g.C * F), dk_two(dk_one.size());
  const long before = pool_jobs();
  {
    Threads t(1);
    winograd_kernel_gradient(s, x.data(), one.data(), dk_one.data(), grad_work.data());
  }
  {
    Threads t(2);
    winograd_kernel_gradient(s, x.data(), one.data(), dk_two.data(), grad_work.data());
  }
  CHECK(dk_one == dk_two);
  if (max_threads() > 1) CHECK(pool_jobs() > before);
}

TEST_CASE("winograd_applies to 3x3 kernels at stride 1 with 8 or more input channels") {
  CHECK(winograd_applies(3, 3, 1, 1, 8));
  CHECK(winograd_applies(3, 3, 1, 1, 64));
  CHECK_FALSE(winograd_applies(3, 3, 1, 1, 1));
  CHECK_FALSE(winograd_applies(3, 3, 2, 1, 32));
  CHECK_FALSE(winograd_applies(5, 5, 1, 1, 32));
  CHECK_FALSE(winograd_applies(3, 1, 1, 1, 32));
}
