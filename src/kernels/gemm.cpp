#include "kernels/gemm.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace convlab {

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float* C, int ldc, bool accumulate) {
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < K; ++k) {
        const float a = trans_a ? A[k * lda + i] : A[i * lda + k];
        const float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        sum += a * b;
      }
      C[i * ldc + j] = accumulate ? C[i * ldc + j] + sum : sum;
    }
  }
}

// The fast path follows the BLIS / llm.c recipe: copy ("pack") blocks of op(A) and op(B) into
// contiguous scratch laid out in exactly the order the micro-kernel reads them, so the inner loop
// is pure unit-stride loads + multiply-adds whatever the transposes and strides were. Edge panels
// are zero-padded to full tiles (padded lanes then hold harmless zeros, never stale NaNs or
// denormals), so edges need no special-case arithmetic, only a partial write-back.
namespace {

using batch = xsimd::batch<float>;
using Index = std::ptrdiff_t;
constexpr int W = int(batch::size);  // 4 on sse2/sse4.1 (and thus wasm simd128)
// 4 x 2 batches = 8 accumulators + 2 B loads + 1 A broadcast fits in 16 xmm registers; V8 has
// 16 too, and measured 6x8 / 8x8 tiles spilled there.
constexpr int MR = 4;
constexpr int NR = 2 * W;
// A KC x NR strip of B (12 KB) stays in L1 while MR x KC panels of A stream past it; MC x KC of
// A (96 KB) and KC x NC of B (384 KB) aim at L2. KC = 384 keeps K = 288 (3x3x32) in one block;
// timings varied by under 5% across KC 256..512 and MC 64..256.
constexpr int KC = 384;
constexpr int MC = 64;
constexpr int NC = 256;

using Scratch = std::vector<float, xsimd::aligned_allocator<float>>;

// Grows only, so a training loop's steady-state calls never allocate.
float* scratch(Scratch& s, Index n) {
  if (Index(s.size()) < n) s.resize(n);
  return s.data();
}

// op(A)(i0 .. i0+mc, p0 .. p0+kc) -> MR-row panels, each stored k-major: panel[k * MR + r].
void pack_a(bool trans, const float* A, int lda, int i0, int mc, int p0, int kc, float* out) {
  for (int i = 0; i < mc; i += MR, out += Index(kc) * MR) {
    const int rows = std::min(MR, mc - i);
    for (int k = 0; k < kc; ++k) {
      float* dst = out + k * MR;
      for (int r = 0; r < rows; ++r)
        dst[r] = trans ? A[Index(p0 + k) * lda + i0 + i + r] : A[Index(i0 + i + r) * lda + p0 + k];
      for (int r = rows; r < MR; ++r) dst[r] = 0.0f;
    }
  }
}

// op(B)(p0 .. p0+kc, j0 .. j0+nc) -> NR-column strips, each stored k-major: strip[k * NR + c].
void pack_b(bool trans, const float* B, int ldb, int p0, int kc, int j0, int nc, float* out) {
  for (int j = 0; j < nc; j += NR, out += Index(kc) * NR) {
    const int cols = std::min(NR, nc - j);
    for (int k = 0; k < kc; ++k) {
      float* dst = out + k * NR;
      if (!trans) {
        const float* src = B + Index(p0 + k) * ldb + j0 + j;
        std::copy(src, src + cols, dst);
      } else {
        for (int c = 0; c < cols; ++c) dst[c] = B[Index(j0 + j + c) * ldb + p0 + k];
      }
      std::fill(dst + cols, dst + NR, 0.0f);
    }
  }
}

inline void write_row(float* c, batch lo, batch hi, bool add) {
  if (add) {
    lo += batch::load_unaligned(c);
    hi += batch::load_unaligned(c + W);
  }
  lo.store_unaligned(c);
  hi.store_unaligned(c + W);
}

// C tile (rows x cols valid of MR x NR) (+)= A panel * B strip over kc.
void micro_kernel(int kc, const float* a, const float* b, float* C, int ldc, int rows, int cols,
                  bool add) {
  batch c00(0.0f), c01(0.0f), c10(0.0f), c11(0.0f), c20(0.0f), c21(0.0f), c30(0.0f), c31(0.0f);
  for (int k = 0; k < kc; ++k, a += MR, b += NR) {
    const batch b0 = batch::load_aligned(b);
    const batch b1 = batch::load_aligned(b + W);
    batch ak(a[0]);
    c00 = xsimd::fma(ak, b0, c00);
    c01 = xsimd::fma(ak, b1, c01);
    ak = batch(a[1]);
    c10 = xsimd::fma(ak, b0, c10);
    c11 = xsimd::fma(ak, b1, c11);
    ak = batch(a[2]);
    c20 = xsimd::fma(ak, b0, c20);
    c21 = xsimd::fma(ak, b1, c21);
    ak = batch(a[3]);
    c30 = xsimd::fma(ak, b0, c30);
    c31 = xsimd::fma(ak, b1, c31);
  }
  if (rows == MR && cols == NR) {
    write_row(C, c00, c01, add);
    write_row(C + ldc, c10, c11, add);
    write_row(C + 2 * Index(ldc), c20, c21, add);
    write_row(C + 3 * Index(ldc), c30, c31, add);
    return;
  }
  // Edge tile: the padded lanes were computed from zero padding; write back only the valid part so
  // nothing past C's edge (or its ldc gap) is touched.
  alignas(64) float tile[MR * NR];
  c00.store_aligned(tile), c01.store_aligned(tile + W);
  c10.store_aligned(tile + NR), c11.store_aligned(tile + NR + W);
  c20.store_aligned(tile + 2 * NR), c21.store_aligned(tile + 2 * NR + W);
  c30.store_aligned(tile + 3 * NR), c31.store_aligned(tile + 3 * NR + W);
  for (int r = 0; r < rows; ++r) {
    float* c = C + r * Index(ldc);
    for (int j = 0; j < cols; ++j) c[j] = add ? c[j] + tile[r * NR + j] : tile[r * NR + j];
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; ++i) std::fill(C + Index(i) * ldc, C + Index(i) * ldc + N, 0.0f);
    return;
  }
  // Split K evenly (800 -> 3 x 267, not 384 + 384 + 32) so no block is a mostly-overhead sliver.
  const int k_blocks = (K + KC - 1) / KC;
  const int kc_max = (K + k_blocks - 1) / k_blocks;
  thread_local Scratch a_buf, b_buf;
  const int nc_max = std::min(N, NC);
  float* bp = scratch(b_buf, Index(kc_max) * ((nc_max + NR - 1) / NR) * NR);
  float* ap = scratch(a_buf, Index(kc_max) * ((std::min(M, MC) + MR - 1) / MR) * MR);

  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0);
    for (int p0 = 0; p0 < K; p0 += kc_max) {
      const int kc = std::min(kc_max, K - p0);
      // Only the first K block may overwrite C; later ones add to the partial sums.
      const bool add = accumulate || p0 > 0;
      pack_b(trans_b, B, ldb, p0, kc, j0, nc, bp);
      for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        pack_a(trans_a, A, lda, i0, mc, p0, kc, ap);
        for (int j = 0; j < nc; j += NR) {
          const float* b = bp + Index(j / NR) * kc * NR;
          for (int i = 0; i < mc; i += MR)
            micro_kernel(kc, ap + Index(i / MR) * kc * MR, b, C + Index(i0 + i) * ldc + j0 + j, ldc,
                         std::min(MR, mc - i), std::min(NR, nc - j), add);
        }
      }
    }
  }
}

}  // namespace convlab
