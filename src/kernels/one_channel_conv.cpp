#include "kernels/one_channel_conv.hpp"

#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "core/thread_pool.hpp"
#include "kernels/gemm_packing.hpp"

namespace convlab {

namespace {

using namespace gemm_detail;
constexpr int kMaxTaps = 9;  // taps per register block of the kernel gradient (9 + 1 for the bias)

// Offsets in x of output row r's window start, for rows r0 .. r0 + n - 1.
void row_offsets(const SlidingRows& s, int r0, int n, Index* out) {
  const int per_image = s.OH * s.OW;
  int img = r0 / per_image, oy = r0 % per_image / s.OW, ox = r0 % s.OW;
  for (int i = 0; i < n; ++i) {
    out[i] = img * s.image + oy * s.line + ox * s.step;
    if (++ox == s.OW) {
      ox = 0;
      if (++oy == s.OH) oy = 0, ++img;
    }
  }
}

// The tap offsets within a window, in the kernel's (ky, kx) order.
int tap_offsets(const SlidingRows& s, int kh, int kw, Index* off) {
  for (int ky = 0; ky < kh; ++ky)
    for (int kx = 0; kx < kw; ++kx) off[ky * kw + kx] = ky * s.seg_stride + kx;
  return kh * kw;
}

// Rows r_begin .. r_end - 1 of the forward pass, MR rows by 2 batches of filters at a time (the
// gemm's 4x8 tile), the taps summed in order from zero as the gemm's single K block does.
void forward_rows(const SlidingRows& s, int taps, const Index* off, int F, const float* kernel,
                  const GemmEpilogue& e, float* y, int r_begin, int r_end) {
  for (int r = r_begin; r < r_end; r += MR) {
    const int rows = std::min(MR, r_end - r);
    Index base[MR];
    row_offsets(s, r, rows, base);
    for (int i = rows; i < MR; ++i) base[i] = base[rows - 1];  // repeats, dropped below
    const float *x0 = s.x + base[0], *x1 = s.x + base[1], *x2 = s.x + base[2], *x3 = s.x + base[3];
    for (int j = 0; j < F; j += NR) {
      batch c00(0.0f), c01(0.0f), c10(0.0f), c11(0.0f), c20(0.0f), c21(0.0f), c30(0.0f), c31(0.0f);
      const float* k = kernel + j;
      for (int t = 0; t < taps; ++t, k += F) {
        const batch b0 = batch::load_unaligned(k), b1 = batch::load_unaligned(k + W);
        const Index o = off[t];
        batch a(x0[o]);
        c00 = xsimd::fma(a, b0, c00), c01 = xsimd::fma(a, b1, c01);
        a = batch(x1[o]);
        c10 = xsimd::fma(a, b0, c10), c11 = xsimd::fma(a, b1, c11);
        a = batch(x2[o]);
        c20 = xsimd::fma(a, b0, c20), c21 = xsimd::fma(a, b1, c21);
        a = batch(x3[o]);
        c30 = xsimd::fma(a, b0, c30), c31 = xsimd::fma(a, b1, c31);
      }
      const batch lo[MR] = {c00, c10, c20, c30}, hi[MR] = {c01, c11, c21, c31};
      for (int i = 0; i < rows; ++i) {
        batch l = lo[i], h = hi[i];
        if (e.bias)
          l += batch::load_unaligned(e.bias + j), h += batch::load_unaligned(e.bias + j + W);
        if (e.relu) l = simd::relu(l), h = simd::relu(h);
        float* out = y + Index(r + i) * F + j;
        l.store_unaligned(out);
        h.store_unaligned(out + W);
      }
    }
  }
}

// One K block of the kernel gradient for filters c .. c + W - 1 and taps t0 .. t0 + T - 1:
// acc[t] = sum over the block's rows of x[tap t] * dz, from zero and in row order (the gemm's
// micro-kernel order), and, when kBias, bias = the sum of dz.
template <int T, bool kMask, bool kBias>
void gradient_strip(const float* x, const Index* base, int len, const Index* off, const float* y,
                    const float* dy, int F, batch* acc, batch& bias) {
  batch a[T];
  for (int t = 0; t < T; ++t) a[t] = batch(0.0f);
  batch b(0.0f);
  const batch zero(0.0f);
  for (int i = 0; i < len; ++i, dy += F) {
    const float* xp = x + base[i];
    batch d = batch::load_unaligned(dy);
    if (kMask) d = xsimd::select(batch::load_unaligned(y + Index(i) * F) > zero, d, zero);
    if (kBias) b += d;
    for (int t = 0; t < T; ++t) a[t] = xsimd::fma(batch(xp[off[t]]), d, a[t]);
  }
  for (int t = 0; t < T; ++t) acc[t] = a[t];
  bias = b;
}

using StripFn = void (*)(const float*, const Index*, int, const Index*, const float*, const float*,
                         int, batch*, batch&);

template <int T>
StripFn strip_for(bool mask, bool bias) {
  if (mask) return bias ? gradient_strip<T, true, true> : gradient_strip<T, true, false>;
  return bias ? gradient_strip<T, false, true> : gradient_strip<T, false, false>;
}

StripFn strip_fn(int taps, bool mask, bool bias) {
  switch (taps) {
    case 1: return strip_for<1>(mask, bias);
    case 2: return strip_for<2>(mask, bias);
    case 3: return strip_for<3>(mask, bias);
    case 4: return strip_for<4>(mask, bias);
    case 5: return strip_for<5>(mask, bias);
    case 6: return strip_for<6>(mask, bias);
    case 7: return strip_for<7>(mask, bias);
    case 8: return strip_for<8>(mask, bias);
    default: return strip_for<9>(mask, bias);
  }
}

// The gemm's K split for a kernel gradient (gemm.cpp's splits_k): fixed pieces when K is long.
int pieces_for(int rows, int taps, int F) {
  constexpr int kKSplits = 2 * kChunksPerThread;
  return rows >= kKSplits * KC && long(taps) * F <= 64 * 1024 ? kKSplits : 1;
}

// One piece (rows r_begin .. r_end - 1) into partial (taps * F, then F bias sums), in K blocks
// cut as gemm's k_block cuts them; a block's sums are added to the previous blocks' (acc + C).
void gradient_piece(const SlidingRows& s, int taps, const Index* off, int F, const float* y,
                    const float* dy, bool want_bias, int r_begin, int r_end, float* partial) {
  const int K = r_end - r_begin;
  if (K <= 0) {
    std::fill(partial, partial + Index(taps + 1) * F, 0.0f);
    return;
  }
  const int blocks = (K + KC - 1) / KC;
  const int kc_max = (K + blocks - 1) / blocks;
  float* pbias = partial + Index(taps) * F;
  Index base[KC];
  for (int p0 = 0; p0 < K; p0 += kc_max) {
    const int len = std::min(kc_max, K - p0);
    const int r0 = r_begin + p0;
    row_offsets(s, r0, len, base);
    const bool first = p0 == 0;
    for (int t0 = 0; t0 < taps; t0 += kMaxTaps) {
      const int T = std::min(kMaxTaps, taps - t0);
      const bool bias_here = want_bias && t0 == 0;
      const StripFn fn = strip_fn(T, y != nullptr, bias_here);
      for (int c = 0; c < F; c += W) {
        batch acc[kMaxTaps], bias;
        fn(s.x, base, len, off + t0, y ? y + Index(r0) * F + c : nullptr, dy + Index(r0) * F + c, F,
           acc, bias);
        for (int t = 0; t < T; ++t) {
          float* p = partial + Index(t0 + t) * F + c;
          (first ? acc[t] : acc[t] + batch::load_unaligned(p)).store_unaligned(p);
        }
        if (bias_here)
          (first ? bias : bias + batch::load_unaligned(pbias + c)).store_unaligned(pbias + c);
      }
    }
  }
}

}  // namespace

bool one_channel_conv_applies(int C, int F, int kh, int kw) {
  // More taps than one K block would make the gemm sum them in several blocks.
  return C == 1 && F % NR == 0 && kh * kw <= KC;
}

// Threads: runs of MR-row groups; every output row is computed alone, so any split agrees.
void one_channel_conv(const SlidingRows& s, int rows, int kh, int kw, int F, const float* kernel,
                      const GemmEpilogue& epilogue, float* y) {
  Index off[KC];
  const int taps = tap_offsets(s, kh, kw, off);
  const int groups = (rows + MR - 1) / MR;
  const int chunks = chunks_for(long(rows) * F * taps, groups);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(rows, chunks, chunk, MR);
    forward_rows(s, taps, off, F, kernel, epilogue, y, r.begin, r.end);
  });
}

std::size_t one_channel_gradients_floats(int rows, int kh, int kw, int F) {
  return std::size_t(pieces_for(rows, kh * kw, F)) * std::size_t(kh * kw + 1) * std::size_t(F);
}

void one_channel_conv_gradients(const SlidingRows& s, int rows, int kh, int kw, int F,
                                const float* y, const float* dy, float* dkernel, float* dbias,
                                float* work) {
  Index off[KC];
  const int taps = tap_offsets(s, kh, kw, off);
  const int pieces = pieces_for(rows, taps, F);
  const Index size = Index(taps + 1) * F;
  parallel_for(pieces, [&](int piece) {
    const Range r = chunk_range(rows, pieces, piece);
    gradient_piece(s, taps, off, F, y, dy, dbias != nullptr, r.begin, r.end, work + piece * size);
  });
  // The pieces summed in piece order, as gemm_split_k sums its partial products.
  for (Index i = 0; i < Index(taps) * F; ++i) {
    float v = work[i];
    for (int piece = 1; piece < pieces; ++piece) v += work[piece * size + i];
    dkernel[i] = v;
  }
  if (!dbias) return;
  for (int f = 0; f < F; ++f) {
    float v = work[Index(taps) * F + f];
    for (int piece = 1; piece < pieces; ++piece) v += work[piece * size + Index(taps) * F + f];
    dbias[f] = v;
  }
}

}  // namespace convlab
