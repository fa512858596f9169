#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "core/rng.hpp"
#include "kernels/gemm.hpp"
#include "random_vectors.hpp"

using namespace convlab;
using testing::absolute;

namespace {

constexpr float kGap = 12345.0f;  // fills the ld padding, which gemm must never touch

// A rows x cols matrix stored with row stride ld >= cols; the gap columns hold kGap.
std::vector<float> random_matrix(int rows, int cols, int ld, Rng& rng) {
  std::vector<float> m(std::size_t(rows) * ld + 1, kGap);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m[std::size_t(r) * ld + c] = rng.uniform(-1.0f, 1.0f);
  return m;
}

// Runs gemm and gemm_naive on the same inputs and compares every entry of C.
//
// Tolerance: both compute each entry as a float sum of K products (+ the prior C), in different
// orders (blocked, vectorised, possibly fused). The standard bound for a recursive float sum is
// |computed - exact| <= gamma_K * sum_k |a_k b_k| with gamma_K ~ K * u, u = FLT_EPSILON / 2,
// so the two results differ by at most (K + 2) * FLT_EPSILON * (sum |a_k b_k| + |C_prior|).
// That bound is rigorous (never flaky), while a real bug (wrong index, dropped K block, missed
// edge) is an O(1) fraction of the sum, thousands of times larger for K <= 1000.
// With an epilogue the bound also counts |bias|; ReLU cannot widen a difference.
void check_gemm(bool ta, bool tb, int M, int N, int K, int pad, bool accumulate, Rng& rng,
                bool with_bias = false, bool relu = false) {
  CAPTURE(ta);
  CAPTURE(tb);
  CAPTURE(M);
  CAPTURE(N);
  CAPTURE(K);
  CAPTURE(pad);
  CAPTURE(accumulate);
  CAPTURE(with_bias);
  CAPTURE(relu);
  const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
  const auto A = random_matrix(ta ? K : M, ta ? M : K, std::max(lda, 1), rng);
  const auto B = random_matrix(tb ? N : K, tb ? K : N, std::max(ldb, 1), rng);
  auto C = random_matrix(M, N, std::max(ldc, 1), rng);
  // Overwrite mode must not read C: NaN there would poison any sum that did.
  if (!accumulate)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) C[std::size_t(i) * ldc + j] = std::nanf("");
  const auto bias = random_matrix(1, std::max(N, 1), std::max(N, 1), rng);
  GemmEpilogue epilogue;
  epilogue.bias = with_bias ? bias.data() : nullptr;
  epilogue.relu = relu;
  auto expected = C;
  gemm_naive(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, expected.data(), ldc, accumulate,
             epilogue);
  auto bound = absolute(C);
  for (auto& v : bound) v = std::isnan(v) ? 0.0f : v;
  const auto abs_bias = absolute(bias);
  GemmEpilogue bound_epilogue;
  bound_epilogue.bias = with_bias ? abs_bias.data() : nullptr;
  gemm_naive(ta, tb, M, N, K, absolute(A).data(), lda, absolute(B).data(), ldb, bound.data(), ldc,
             true, bound_epilogue);
  gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, accumulate, epilogue);

  int bad = 0;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < ldc; ++j) {
      const std::size_t at = std::size_t(i) * ldc + j;
      if (j >= N) {
        if (C[at] != kGap) ++bad;
        continue;
      }
      const float tol = (K + 2) * FLT_EPSILON * bound[at];
      if (!(std::fabs(C[at] - expected[at]) <= tol)) {
        if (bad == 0)
          FAIL_CHECK("C(" << i << ", " << j << ") = " << C[at] << ", want " << expected[at]);
        ++bad;
      }
    }
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("gemm matches gemm_naive on odd shapes, all transposes, padded strides, both modes") {
  const int sizes[] = {0, 1, 3, 4, 5, 7, 8, 9, 13, 17, 31, 33, 64, 129, 300};
  const int count = int(sizeof(sizes) / sizeof(sizes[0]));
  Rng rng(42);
  int case_index = 0;
  // Every (M, N) pair for every transpose combination; K cycles through all the sizes too, so
  // each size appears in every role without the full cube's cost.
  for (int t = 0; t < 4; ++t)
    for (int mi = 0; mi < count; ++mi)
      for (int ni = 0; ni < count; ++ni, ++case_index) {
        const int K = sizes[(mi * 7 + ni * 3 + t) % count];
        const int pad = case_index % 3 == 0 ? 0 : int(rng.below(5)) + 1;
        check_gemm(t & 1, t & 2, sizes[mi], sizes[ni], K, pad, case_index % 2 == 1, rng);
      }
}

TEST_CASE("gemm is right on the model's layer shapes and across cache blocks") {
  Rng rng(7);
  // conv forward (NN), weight gradient (TN), input gradient (NT) for a 3x3x32 -> 64 conv on
  // 4 images of 11x11; Dense 800 -> 128 with batch 32 the same three ways; and sizes that
  // cross every blocking boundary (K > KC split unevenly, N > NC, M > MC) with a prior C.
  check_gemm(false, false, 484, 64, 288, 0, false, rng);
  check_gemm(true, false, 288, 64, 484, 0, false, rng);
  check_gemm(false, true, 484, 288, 64, 0, false, rng);
  check_gemm(false, false, 32, 128, 800, 0, true, rng);
  check_gemm(true, false, 800, 128, 32, 0, false, rng);
  check_gemm(false, true, 32, 800, 128, 0, false, rng);
  check_gemm(true, true, 131, 517, 777, 3, true, rng);
  // B read in place (M <= 64, whole strips): a first layer's kernel gradient (M = 9 taps) and a
  // Dense forward pass, across K blocks and with gaps after each row of B.
  check_gemm(true, false, 9, 32, 2000, 3, false, rng);
  check_gemm(false, false, 64, 24, 900, 1, true, rng, true, true);
  // K long enough to be cut into fixed pieces summed afterwards (a kernel gradient over a
  // batch's output pixels), with and without a prior C, B transposed or not.
  check_gemm(true, false, 9, 32, 21632, 0, false, rng);
  check_gemm(true, false, 13, 19, 5000, 2, true, rng, true, true);
  check_gemm(true, true, 5, 8, 3100, 1, false, rng);
}

TEST_CASE("the fused bias + ReLU epilogue matches bias and ReLU applied after gemm_naive") {
  const int sizes[] = {1, 3, 4, 5, 7, 8, 9, 13, 33, 129};
  const int count = int(sizeof(sizes) / sizeof(sizes[0]));
  Rng rng(11);
  int case_index = 0;
  for (int t = 0; t < 4; ++t)
    for (int mi = 0; mi < count; ++mi)
      for (int ni = 0; ni < count; ++ni, ++case_index) {
        const int K = sizes[(mi * 3 + ni * 7 + t) % count];
        const int pad = case_index % 3 == 0 ? 0 : int(rng.below(5)) + 1;
        check_gemm(t & 1, t & 2, sizes[mi], sizes[ni], K, pad, case_index % 2 == 1, rng,
                   case_index % 4 != 3, case_index % 3 != 2);
      }
  // Across K blocks (the epilogue must wait for the last one), and the model's conv shape.
  check_gemm(false, false, 37, 130, 800, 1, false, rng, true, true);
  check_gemm(false, false, 37, 130, 800, 0, true, rng, true, false);
  check_gemm(false, false, 4 * 121, 32, 288, 0, false, rng, true, true);
  check_gemm(false, false, 4 * 676, 32, 9, 0, false, rng, true, true);
}

TEST_CASE("the fused ReLU keeps NaN and zeroes negatives, bias added per column") {
  // [1 2] . [[1, -5, nan]; [1, 1, 0]] + [0.5, 1, 0] -> relu -> [3.5, 0, nan]
  const std::vector<float> A{1, 2}, B{1, -5, std::nanf(""), 1, 1, 0}, bias{0.5f, 1, 0};
  std::vector<float> C(3, -1.0f);
  GemmEpilogue e;
  e.bias = bias.data();
  e.relu = true;
  gemm(false, false, 1, 3, 2, A.data(), 2, B.data(), 3, C.data(), 3, false, e);
  CHECK(C[0] == 3.5f);
  CHECK(C[1] == 0.0f);
  CHECK(std::isnan(C[2]));
  std::vector<float> D(3, 2.0f);  // K = 0: only the epilogue, on the prior C when accumulating
  gemm(false, false, 1, 3, 0, A.data(), 2, B.data(), 3, D.data(), 3, true, e);
  CHECK(D == std::vector<float>{2.5f, 3.0f, 2.0f});
}

TEST_CASE("gemm with K = 0 zeroes C, or leaves it alone when accumulating") {
  std::vector<float> C{1, 2, 3, 4, 5, 6};
  const float unused = 0.0f;
  gemm(false, false, 2, 2, 0, &unused, 1, &unused, 2, C.data(), 3, true);
  CHECK(C == std::vector<float>{1, 2, 3, 4, 5, 6});
  gemm(false, false, 2, 2, 0, &unused, 1, &unused, 2, C.data(), 3, false);
  CHECK(C == std::vector<float>{0, 0, 3, 0, 0, 6});
}

TEST_CASE("gemm computes a small product by hand") {
  // [1 2 3; 4 5 6] . [1 0; 0 1; 1 1] = [4 5; 10 11]
  const std::vector<float> A{1, 2, 3, 4, 5, 6}, B{1, 0, 0, 1, 1, 1};
  std::vector<float> C(4, -1.0f);
  gemm(false, false, 2, 2, 3, A.data(), 3, B.data(), 2, C.data(), 2, false);
  CHECK(C == std::vector<float>{4, 5, 10, 11});
  gemm(false, false, 2, 2, 3, A.data(), 3, B.data(), 2, C.data(), 2, true);
  CHECK(C == std::vector<float>{8, 10, 20, 22});
}
