#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/one_channel_conv.hpp"
#include "kernels/vec.hpp"
#include "random_vectors.hpp"

using namespace convlab;
using testing::absolute;
using testing::random_vector;

namespace {

Window2D one_channel_window(int N, int H, int W, int k, int stride, Padding padding) {
  const Window1D wy = window_1d(H, k, stride, padding), wx = window_1d(W, k, stride, padding);
  return {N, H, W, 1, k, k, stride, stride, wy.pad_before, wx.pad_before, wy.out, wx.out};
}

// x with g's padding and its window rows, as Conv2D::input_rows builds them.
struct Padded {
  std::vector<float> x;
  SlidingRows rows;
};
Padded padded(const Window2D& g, const std::vector<float>& x) {
  if (!needs_padding(g)) return {x, window_rows(g, nullptr, g.H, g.W)};
  const int H = padded_height(g), W = padded_width(g);
  Padded p{std::vector<float>(std::size_t(g.N) * H * W), {}};
  pad_images(g, x.data(), H, W, p.x.data());
  p.rows = window_rows(g, nullptr, H, W);
  return p;
}

// Runs check(g, F, threads) over odd and even sizes, kernels 1/3/5, strides 1/2, both paddings,
// F = 8..32, on 1, 2, 3, 4 and 8 threads with every kernel split.
template <class F>
void for_each_case(F check) {
  const int shapes[][3] = {{2, 5, 7}, {3, 8, 9}, {1, 6, 6}, {9, 28, 28}};  // N, H, W
  const long saved_work = min_parallel_work();
  const int saved_threads = num_threads();
  set_min_parallel_work(0);
  for (int threads : {1, 2, 3, 4, 8}) {
    set_num_threads(threads);
    for (auto s : shapes)
      for (int k : {1, 3, 5})
        for (int stride : {1, 2})
          for (Padding padding : {Padding::valid, Padding::same})
            for (int filters : {8, 16, 32}) {
              const Window2D g = one_channel_window(s[0], s[1], s[2], k, stride, padding);
              if (g.OH <= 0 || g.OW <= 0) continue;
              CAPTURE(threads);
              CAPTURE(g.N);
              CAPTURE(g.H);
              CAPTURE(g.W);
              CAPTURE(k);
              CAPTURE(stride);
              CAPTURE(padding == Padding::same);
              CAPTURE(filters);
              check(g, filters, threads);
            }
  }
  set_num_threads(saved_threads);
  set_min_parallel_work(saved_work);
}

// |a - b| <= 8 * taps * eps * bound, bound = the reference on |inputs|.
int mismatches(const std::vector<float>& a, const std::vector<float>& b,
               const std::vector<float>& bound, int terms) {
  int bad = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(std::fabs(a[i] - b[i]) <= 8.0f * float(terms) * FLT_EPSILON * bound[i] + 1e-30f)) ++bad;
  return bad;
}

}  // namespace

// The plain references run on the 1-thread pass only (they do not depend on the thread count,
// and under the sanitizers they are most of the time); the other passes must then give the
// 1-thread results bit for bit, which is stronger.
TEST_CASE("one_channel_conv equals the direct convolution, and the gemm bit for bit") {
  std::vector<std::vector<float>> one_thread;
  int pass_threads = 0;
  std::size_t index = 0;  // the case's place in its thread count's pass
  for_each_case([&](const Window2D& g, int F, int threads) {
    if (threads != pass_threads) pass_threads = threads, index = 0;
    const int rows = g.rows(), taps = g.kh * g.kw;
    REQUIRE(one_channel_conv_applies(1, F, g.kh, g.kw));
    Rng case_rng(21 + index);
    const auto x = random_vector(std::size_t(g.N) * g.H * g.W, case_rng);
    const auto kernel = random_vector(std::size_t(taps) * F, case_rng);
    const auto bias = random_vector(std::size_t(F), case_rng);
    Padded p = padded(g, x);
    p.rows.x = p.x.data();
    std::vector<float> results;
    for (bool relu : {false, true}) {
      GemmEpilogue e;
      e.bias = bias.data();
      e.relu = relu;
      std::vector<float> y(std::size_t(rows) * F, NAN), via_gemm(y.size(), NAN);
      one_channel_conv(p.rows, rows, g.kh, g.kw, F, kernel.data(), e, y.data());
      gemm(false, false, rows, F, taps, p.rows, kernel.data(), F, via_gemm.data(), F, false, e);
      CHECK(y == via_gemm);
      results.insert(results.end(), y.begin(), y.end());
      if (threads != 1) continue;
      std::vector<float> ref(y.size()), bound(y.size());
      conv2d_forward_naive(g, F, x.data(), kernel.data(), bias.data(), ref.data());
      conv2d_forward_naive(g, F, absolute(x).data(), absolute(kernel).data(), absolute(bias).data(),
                           bound.data());
      if (relu)
        for (auto& v : ref) v = std::max(v, 0.0f);
      CHECK(mismatches(y, ref, bound, taps + 1) == 0);
    }
    if (threads == 1)
      one_thread.push_back(results);
    else
      CHECK(results == one_thread.at(index));
    ++index;
  });
}

TEST_CASE("one_channel_conv_gradients equals im2col^T . dz and column sums, on any thread count") {
  // The same random draws for every thread count: results must agree bit for bit; the plain
  // references on the 1-thread pass, as above.
  std::vector<std::vector<float>> one_thread;
  int pass_threads = 0;
  std::size_t index = 0;  // the case's place in its thread count's pass
  for_each_case([&](const Window2D& g, int F, int threads) {
    if (threads != pass_threads) pass_threads = threads, index = 0;
    const int rows = g.rows(), taps = g.kh * g.kw;
    Rng case_rng(1000 + index);
    const auto x = random_vector(std::size_t(g.N) * g.H * g.W, case_rng);
    const auto dy = random_vector(std::size_t(rows) * F, case_rng);
    auto y = random_vector(std::size_t(rows) * F, case_rng);
    for (std::size_t i = 0; i < y.size(); i += 3) y[i] = 0.0f;  // ReLU outputs: some exactly 0
    Padded p = padded(g, x);
    p.rows.x = p.x.data();
    std::vector<float> work(one_channel_gradients_floats(rows, g.kh, g.kw, F), NAN);
    std::vector<float> results;
    for (bool relu : {false, true}) {
      std::vector<float> dz(dy.size());
      if (relu)
        relu_backward(y.data(), dy.data(), dz.data(), dz.size());
      else
        dz = dy;
      std::vector<float> dkernel(std::size_t(taps) * F, NAN), dbias(F, NAN);
      one_channel_conv_gradients(p.rows, rows, g.kh, g.kw, F, relu ? y.data() : nullptr, dy.data(),
                                 dkernel.data(), dbias.data(), work.data());
      // The kernel gradient is the gemm's, bit for bit.
      std::vector<float> via_gemm(dkernel.size(), NAN);
      gemm(true, false, taps, F, rows, p.rows, dz.data(), F, via_gemm.data(), F, false);
      CHECK(dkernel == via_gemm);
      // Without a bias the kernel gradient is the same.
      std::vector<float> dkernel_only(dkernel.size(), NAN);
      one_channel_conv_gradients(p.rows, rows, g.kh, g.kw, F, relu ? y.data() : nullptr, dy.data(),
                                 dkernel_only.data(), nullptr, work.data());
      CHECK(dkernel_only == dkernel);
      results.insert(results.end(), dkernel.begin(), dkernel.end());
      results.insert(results.end(), dbias.begin(), dbias.end());
      if (threads != 1) continue;
      // Both against the plain references, within rounding.
      std::vector<float> cols(std::size_t(rows) * taps), abs_cols(cols.size());
      im2col(g, x.data(), cols.data());
      im2col(g, absolute(x).data(), abs_cols.data());
      std::vector<float> ref(dkernel.size()), bound(dkernel.size());
      gemm_naive(true, false, taps, F, rows, cols.data(), taps, dz.data(), F, ref.data(), F, false);
      gemm_naive(true, false, taps, F, rows, abs_cols.data(), taps, absolute(dz).data(), F,
                 bound.data(), F, false);
      CHECK(mismatches(dkernel, ref, bound, rows) == 0);
      std::vector<float> bias_ref(F), bias_bound(F);
      column_sums_naive(dz.data(), rows, F, bias_ref.data());
      column_sums_naive(absolute(dz).data(), rows, F, bias_bound.data());
      CHECK(mismatches(dbias, bias_ref, bias_bound, rows) == 0);
    }
    if (threads == 1)
      one_thread.push_back(results);
    else
      CHECK(results == one_thread.at(index));
    ++index;
  });
}
