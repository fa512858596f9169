#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "random_vectors.hpp"
#include "windows.hpp"

using namespace convlab;
using testing::absolute;
using testing::make_window;
using testing::random_vector;

namespace {

// Every geometry the tests sweep: odd and even sizes, kernels 1/3/5, strides 1/2, both paddings,
// C = 1 and 3. Valid-padding cases whose kernel does not fit are skipped.
template <class F>
void for_each_conv_window(F check, std::initializer_list<int> channels = {1, 3}) {
  const int shapes[][2] = {{5, 7}, {8, 9}, {3, 4}, {6, 6}};
  for (auto shape : shapes)
    for (int k : {1, 3, 5})
      for (int stride : {1, 2})
        for (Padding padding : {Padding::valid, Padding::same})
          for (int C : channels) {
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

TEST_CASE("im2col followed by gemm equals the direct convolution") {
  Rng rng(3);
  for_each_conv_window([&](const Window2D& g) {
    const int F = 5;
    const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
    const auto kernel = random_vector(std::size_t(g.patch()) * F, rng);
    const auto bias = random_vector(F, rng);
    std::vector<float> expected(std::size_t(g.rows()) * F), bound(expected.size());
    conv2d_forward_naive(g, F, x.data(), kernel.data(), bias.data(), expected.data());
    conv2d_forward_naive(g, F, absolute(x).data(), absolute(kernel).data(), absolute(bias).data(),
                         bound.data());

    // NaN-filled so any padding entry im2col forgets to write would show up.
    std::vector<float> cols(std::size_t(g.rows()) * g.patch(), std::nanf(""));
    im2col(g, x.data(), cols.data());
    std::vector<float> y(expected.size());
    for (int r = 0; r < g.rows(); ++r)
      for (int f = 0; f < F; ++f) y[std::size_t(r) * F + f] = bias[f];
    gemm(false, false, g.rows(), F, g.patch(), cols.data(), g.patch(), kernel.data(), F, y.data(),
         F, true);

    // Same float-summation bound as the gemm tests: the orders differ, each result is within
    // (terms * u) * sum |terms| of the exact value, with patch + 1 terms per output.
    int bad = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!(std::fabs(y[i] - expected[i]) <= (g.patch() + 2) * FLT_EPSILON * bound[i])) ++bad;
    CHECK(bad == 0);
  });
}

TEST_CASE("col2im is the adjoint of im2col") {
  // <im2col(x), c> == <x, col2im(c)> for random x and c, which pins down that col2im sends every
  // column entry back to exactly the pixel im2col took it from (and drops padding entries).
  Rng rng(5);
  for_each_conv_window([&](const Window2D& g) {
    const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
    const auto c = random_vector(std::size_t(g.rows()) * g.patch(), rng);
    std::vector<float> cols(c.size());
    im2col(g, x.data(), cols.data());
    std::vector<float> dx(x.size(), std::nanf(""));  // col2im must overwrite, not add
    col2im(g, c.data(), dx.data());

    double lhs = 0.0, rhs = 0.0, magnitude = 0.0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      lhs += double(cols[i]) * c[i];
      magnitude += std::fabs(double(cols[i]) * c[i]);
    }
    for (std::size_t i = 0; i < x.size(); ++i) rhs += double(x[i]) * dx[i];
    // Products are summed in double; the only float rounding is col2im adding up to kh*kw
    // entries per pixel, each sum off by at most kh*kw*u of its absolute sum.
    CHECK(std::fabs(lhs - rhs) <= g.kh * g.kw * FLT_EPSILON * magnitude + 1e-12);
  });
}

TEST_CASE("im2col lays out a padded 3x3 patch by hand") {
  // 2x2 single-channel image [[1, 2], [3, 4]], 3x3 kernel, same padding: the first output pixel's
  // patch is centred on (0, 0), so its top row and left column are padding.
  const Window2D g = make_window(1, 2, 2, 1, 3, 1, Padding::same);
  REQUIRE(g.OH == 2);
  REQUIRE(g.pad_top == 1);
  const std::vector<float> x{1, 2, 3, 4};
  std::vector<float> cols(std::size_t(g.rows()) * g.patch(), -1.0f);
  im2col(g, x.data(), cols.data());
  const std::vector<float> first(cols.begin(), cols.begin() + 9);
  CHECK(first == std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4});
  const std::vector<float> last(cols.end() - 9, cols.end());
  CHECK(last == std::vector<float>{1, 2, 0, 3, 4, 0, 0, 0, 0});
}

namespace {

// x read in place by window_rows (through pad_images when g pads) must be exactly im2col's
// matrix to gemm: forward (NN, S = op(A)) and kernel gradient (TN, S = A^T) are compared with
// gemm_naive over im2col's cols, within the float-summation bound of the gemm tests. Channels
// 4, 8 and 64 take the vector packing path (kw * C a multiple of 4) and, at 64, K blocks of
// whole kernel rows (K = 576 > 384); 1 and 3 take the gathering path.
void check_window_gemm(const Window2D& g, Rng& rng) {
  const int F = 9, rows = g.rows(), patch = g.patch();
  const auto x = random_vector(std::size_t(g.N) * g.H * g.W * g.C, rng);
  std::vector<float> cols(std::size_t(rows) * patch);
  im2col(g, x.data(), cols.data());
  std::vector<float> padded;
  SlidingRows s = window_rows(g, x.data(), g.H, g.W);
  if (needs_padding(g)) {
    const int H = padded_height(g), W = padded_width(g);
    padded.assign(std::size_t(g.N) * H * W * g.C, std::nanf(""));  // pad_images writes it all
    pad_images(g, x.data(), H, W, padded.data());
    s = window_rows(g, padded.data(), H, W);
  }
  const auto kernel = random_vector(std::size_t(patch) * F, rng);
  const auto dz = random_vector(std::size_t(rows) * F, rng);
  // Forward: y (rows, F) = cols (rows, patch) . kernel (patch, F).
  std::vector<float> y(std::size_t(rows) * F), want(y.size()), bound(y.size());
  gemm(false, false, rows, F, patch, s, kernel.data(), F, y.data(), F, false);
  gemm_naive(false, false, rows, F, patch, cols.data(), patch, kernel.data(), F, want.data(), F,
             false);
  gemm_naive(false, false, rows, F, patch, absolute(cols).data(), patch, absolute(kernel).data(), F,
             bound.data(), F, false);
  int bad = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!(std::fabs(y[i] - want[i]) <= (patch + 2) * FLT_EPSILON * bound[i])) ++bad;
  CHECK(bad == 0);
  // Kernel gradient: dk (patch, F) = cols^T (patch, rows) . dz (rows, F).
  std::vector<float> dk(std::size_t(patch) * F), dk_want(dk.size()), dk_bound(dk.size());
  gemm(true, false, patch, F, rows, s, dz.data(), F, dk.data(), F, false);
  gemm_naive(true, false, patch, F, rows, cols.data(), patch, dz.data(), F, dk_want.data(), F,
             false);
  gemm_naive(true, false, patch, F, rows, absolute(cols).data(), patch, absolute(dz).data(), F,
             dk_bound.data(), F, false);
  bad = 0;
  for (std::size_t i = 0; i < dk.size(); ++i)
    if (!(std::fabs(dk[i] - dk_want[i]) <= (rows + 2) * FLT_EPSILON * dk_bound[i])) ++bad;
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("gemm over the input in place (window_rows) equals gemm_naive over im2col's matrix") {
  Rng rng(7);
  for (int threads : {1, max_threads()}) {
    CAPTURE(threads);
    const int saved = num_threads();
    set_num_threads(threads);
    for_each_conv_window([&](const Window2D& g) { check_window_gemm(g, rng); }, {1, 3, 4, 8, 64});
    set_num_threads(saved);
  }
}

TEST_CASE("pad_images puts x inside a zero border by hand") {
  // 2x2 image, 3x3 kernel, same padding: one zero pixel on every side.
  const Window2D g = make_window(1, 2, 2, 1, 3, 1, Padding::same);
  REQUIRE(needs_padding(g));
  REQUIRE(padded_height(g) == 4);
  const std::vector<float> x{1, 2, 3, 4};
  std::vector<float> out(16, -1.0f);
  pad_images(g, x.data(), 4, 4, out.data());
  CHECK(out == std::vector<float>{0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0});
}

TEST_CASE("gemm_into_windows equals col2im of gemm_naive's dcols") {
  // dx = col2im(dz . kernel^T), with the product added straight into the (padded) dx windows.
  Rng rng(9);
  for (int threads : {1, max_threads()}) {
    CAPTURE(threads);
    const int saved = num_threads();
    set_num_threads(threads);
    for_each_conv_window(
        [&](const Window2D& g) {
          if (g.kw * g.C % 8 != 0) return;  // the contract: a kernel row of whole tiles
          const int F = 6, rows = g.rows(), patch = g.patch();
          const auto dz = random_vector(std::size_t(rows) * F, rng);
          const auto kernel = random_vector(std::size_t(patch) * F, rng);
          std::vector<float> dcols(std::size_t(rows) * patch), bound_cols(dcols.size());
          gemm_naive(false, true, rows, patch, F, dz.data(), F, kernel.data(), F, dcols.data(),
                     patch, false);
          gemm_naive(false, true, rows, patch, F, absolute(dz).data(), F, absolute(kernel).data(),
                     F, bound_cols.data(), patch, false);
          const std::size_t pixels = std::size_t(g.N) * g.H * g.W * g.C;
          std::vector<float> want(pixels), bound(pixels), dx(pixels, std::nanf(""));
          col2im(g, dcols.data(), want.data());
          col2im(g, bound_cols.data(), bound.data());
          const int H = padded_height(g), W = padded_width(g);
          std::vector<float> padded(std::size_t(g.N) * H * W * g.C, std::nanf(""));  // overwritten
          gemm_into_windows(rows, patch, F, dz.data(), F, true, kernel.data(), F,
                            window_rows(g, padded.data(), H, W));
          crop_images(g, padded.data(), H, W, dx.data());
          // Each pixel sums up to kh * kw products of F terms each.
          const int terms = g.kh * g.kw * F;
          int bad = 0;
          for (std::size_t i = 0; i < pixels; ++i)
            if (!(std::fabs(dx[i] - want[i]) <= (terms + 2) * FLT_EPSILON * bound[i])) ++bad;
          CHECK(bad == 0);
        },
        {8, 16, 64});
    set_num_threads(saved);
  }
}
