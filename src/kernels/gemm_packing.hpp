// The packing half of gemm.cpp: the blocking constants, the scratch buffers, and the copies of
// op(A) and op(B) blocks into the order the micro-kernel reads them (internal to kernels/).
#pragma once

#include <cstddef>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "kernels/gemm.hpp"
#include "kernels/simd.hpp"

namespace convlab::gemm_detail {

using simd::batch;
using simd::W;
using Index = std::ptrdiff_t;
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

// Grows only, so a training loop's steady-state calls never allocate. The first call in a
// thread takes the largest block any kernel-row size up to KC needs (KC x NC), not just what
// it asked for: threads claim chunks dynamically, so a thread may meet its largest shape only
// after training has started, and a step must not allocate then.
float* scratch(Scratch& s, Index n);

// Where column k of S starts within a row: segment k / seg_len, then k % seg_len into it.
inline Index column_offset(const SlidingRows& s, int k) {
  return Index(k / s.seg_len) * s.seg_stride + k % s.seg_len;
}

// Walks S's rows in order, one pointer step per row (a division per row would cost more than a
// panel copy).
class RowCursor {
 public:
  RowCursor(const SlidingRows& s, int row) : s_(s) {
    const int per_image = s.OH * s.OW;
    n_ = row / per_image, oy_ = row % per_image / s.OW, ox_ = row % s.OW;
    start_line();
    p_ += Index(ox_) * s.step;
  }
  const float* get() const { return p_; }
  void next() {
    p_ += s_.step;
    if (++ox_ < s_.OW) return;
    ox_ = 0;
    if (++oy_ == s_.OH) oy_ = 0, ++n_;
    start_line();
  }

 private:
  void start_line() { p_ = s_.x + Index(n_) * s_.image + Index(oy_) * s_.line; }
  const SlidingRows& s_;
  int n_, oy_, ox_;
  const float* p_;
};

// op(A) = S^T(c0 .. c0+mc, r0 .. r0+kc) -> MR-row panels, each k-major: panel[k * MR + r].
// A full panel's MR values for one k are adjacent in S's row r0 + k when they lie in one
// segment (seg_len a multiple of MR), so each is one vector copy; otherwise (a first layer's
// kw * C = 3) they are gathered through a table of column offsets made once per call.
void pack_a_trans(const SlidingRows& s, int c0, int mc, int r0, int kc, float* out);

// op(B)(p0 .. p0+kc, j0 .. j0+nc) -> NR-column strips, each stored k-major: strip[k * NR + c].
void pack_b(bool trans, const float* B, int ldb, int p0, int kc, int j0, int nc, float* out);

}  // namespace convlab::gemm_detail
