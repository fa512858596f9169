#include "kernels/gemm_packing.hpp"

#include <algorithm>

namespace convlab::gemm_detail {

float* scratch(Scratch& s, Index n) {
  if (Index(s.size()) < n) s.resize(std::max(n, Index(KC) * NC));
  return s.data();
}

namespace {

// In-register 4x4 transpose: r[q] lane c -> r[c] lane q.
inline void transpose4(batch& r0, batch& r1, batch& r2, batch& r3) {
  using dbatch = xsimd::batch<double>;
  const auto t0 = xsimd::bitwise_cast<dbatch>(xsimd::zip_lo(r0, r1));  // a0 b0 a1 b1
  const auto t1 = xsimd::bitwise_cast<dbatch>(xsimd::zip_hi(r0, r1));  // a2 b2 a3 b3
  const auto t2 = xsimd::bitwise_cast<dbatch>(xsimd::zip_lo(r2, r3));  // c0 d0 c1 d1
  const auto t3 = xsimd::bitwise_cast<dbatch>(xsimd::zip_hi(r2, r3));  // c2 d2 c3 d3
  r0 = xsimd::bitwise_cast<batch>(xsimd::zip_lo(t0, t2));
  r1 = xsimd::bitwise_cast<batch>(xsimd::zip_hi(t0, t2));
  r2 = xsimd::bitwise_cast<batch>(xsimd::zip_lo(t1, t3));
  r3 = xsimd::bitwise_cast<batch>(xsimd::zip_hi(t1, t3));
}

}  // namespace

// op(A) = S^T(c0 .. c0+mc, r0 .. r0+kc) -> MR-row panels, each k-major: panel[k * MR + r].
// A full panel's MR values for one k are adjacent in S's row r0 + k when they lie in one
// segment (seg_len a multiple of MR), so each is one vector copy; otherwise (a first layer's
// kw * C = 3) they are gathered through a table of column offsets made once per call.
void pack_a_trans(const SlidingRows& s, int c0, int mc, int r0, int kc, float* out) {
  Index offset[MC];
  for (int c = 0; c < mc; ++c) offset[c] = column_offset(s, c0 + c);
  const int panels = (mc + MR - 1) / MR;
  const bool whole = s.seg_len % MR == 0 && c0 % MR == 0;
  RowCursor row(s, r0);
  for (int k = 0; k < kc; ++k, row.next()) {
    const float* src = row.get();
    for (int q = 0; q < panels; ++q) {
      float* dst = out + Index(q) * kc * MR + k * MR;
      const int rows = std::min(MR, mc - q * MR);
      if (rows == MR && whole) {
        batch::load_unaligned(src + offset[q * MR]).store_aligned(dst);
        continue;
      }
      for (int r = 0; r < MR; ++r) dst[r] = r < rows ? src[offset[q * MR + r]] : 0.0f;
    }
  }
}

// op(B)(p0 .. p0+kc, j0 .. j0+nc) -> NR-column strips, each stored k-major: strip[k * NR + c].
void pack_b(bool trans, const float* B, int ldb, int p0, int kc, int j0, int nc, float* out) {
  for (int j = 0; j < nc; j += NR, out += Index(kc) * NR) {
    const int cols = std::min(NR, nc - j);
    int k = 0;
    if (cols == NR && !trans) {
      for (const float* src = B + Index(p0) * ldb + j0 + j; k < kc; ++k, src += ldb) {
        batch::load_unaligned(src).store_aligned(out + k * NR);
        batch::load_unaligned(src + W).store_aligned(out + k * NR + W);
      }
    } else if (cols == NR) {
      // B^T: strip column c is row j0+j+c of B; transpose 4x4 blocks of it into place.
      for (; k + W <= kc; k += W)
        for (int h = 0; h < NR; h += W) {
          const float* src = B + Index(j0 + j + h) * ldb + p0 + k;
          batch r0 = batch::load_unaligned(src), r1 = batch::load_unaligned(src + ldb);
          batch r2 = batch::load_unaligned(src + 2 * Index(ldb));
          batch r3 = batch::load_unaligned(src + 3 * Index(ldb));
          transpose4(r0, r1, r2, r3);
          float* dst = out + k * NR + h;
          r0.store_aligned(dst), r1.store_aligned(dst + NR);
          r2.store_aligned(dst + 2 * NR), r3.store_aligned(dst + 3 * NR);
        }
    }
    for (; k < kc; ++k) {  // edge strips, and the K tail of a transposed one
      float* dst = out + k * NR;
      for (int c = 0; c < NR; ++c)
        dst[c] = c >= cols ? 0.0f
                 : trans   ? B[Index(j0 + j + c) * ldb + p0 + k]
                           : B[Index(p0 + k) * ldb + j0 + j + c];
    }
  }
}

}  // namespace convlab::gemm_detail
