#include "kernels/gemm.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/thread_pool.hpp"
#include "kernels/gemm_packing.hpp"

namespace convlab {

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float* C, int ldc, bool accumulate,
                const GemmEpilogue& epilogue) {
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
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float& c = C[i * ldc + j];
      if (epilogue.bias) c += epilogue.bias[j];
      if (epilogue.relu) c = std::max(c, 0.0f);
    }
}

// The fast path follows the BLIS / llm.c recipe: copy ("pack") blocks of op(B) (and of op(A)
// when A is transposed) into contiguous scratch laid out in exactly the order the micro-kernel
// reads them, so the inner loop is unit-stride loads + multiply-adds whatever the transposes and
// strides were. Edge strips of B are zero-padded to full tiles (padded lanes then hold harmless
// zeros, never stale NaNs or denormals), so edges need no special-case arithmetic, only a partial
// write-back. A untransposed is read in place: the kernel broadcasts one A value per row and k
// (a single load32_splat in wasm) whether or not A was packed, so packing it only cost a copy.
namespace {

using namespace gemm_detail;
constexpr int kInPlaceRows = 64;

// The epilogue for one tile: bias points at the tile's first column (or is null).
struct TileEpilogue {
  const float* bias;
  bool relu;
};

inline void write_row(float* c, batch lo, batch hi, bool add, const TileEpilogue& e) {
  if (add) {
    lo += batch::load_unaligned(c);
    hi += batch::load_unaligned(c + W);
  }
  if (e.bias) {
    lo += batch::load_unaligned(e.bias);
    hi += batch::load_unaligned(e.bias + W);
  }
  if (e.relu) lo = simd::relu(lo), hi = simd::relu(hi);
  lo.store_unaligned(c);
  hi.store_unaligned(c + W);
}

// Where a micro-kernel reads its MR rows of op(A): a packed panel (row r's k-th value at
// a[k * MR + r]) or rows of S in place, in segments (row r's k-th value at
// row[r][(k / seg_len) * seg_stride + k % seg_len]).
struct PackedA {
  const float* a;
};
struct RowsA {
  const float* row[MR];
  int seg_len;
  Index seg_stride;
};

struct Accumulators {
  // batch(0.0f), not batch{0.0f}: braces would be xsimd's lane-by-lane initializer list.
  batch c00 = batch(0.0f), c01 = batch(0.0f), c10 = batch(0.0f), c11 = batch(0.0f);
  batch c20 = batch(0.0f), c21 = batch(0.0f), c30 = batch(0.0f), c31 = batch(0.0f);
};

// A strip of NR columns of op(B): packed (b_stride = NR) or read in place from a row-major B
// (b_stride = ldb), row k at b + k * b_stride.
struct BStrip {
  const float* b;
  Index b_stride;
};

// acc += (rows a0..a3, `step` floats between k's) * (len k's of the B strip at b); b moves on.
template <int step>
__attribute__((always_inline)) inline void multiply_add(Accumulators& acc, int len, const float* a0,
                                                        const float* a1, const float* a2,
                                                        const float* a3, const float*& b,
                                                        Index b_stride) {
  batch c00 = acc.c00, c01 = acc.c01, c10 = acc.c10, c11 = acc.c11;
  batch c20 = acc.c20, c21 = acc.c21, c30 = acc.c30, c31 = acc.c31;
  for (int k = 0; k < len; ++k, b += b_stride) {
    const batch b0 = batch::load_unaligned(b);
    const batch b1 = batch::load_unaligned(b + W);
    batch ak(a0[k * step]);
    c00 = xsimd::fma(ak, b0, c00);
    c01 = xsimd::fma(ak, b1, c01);
    ak = batch(a1[k * step]);
    c10 = xsimd::fma(ak, b0, c10);
    c11 = xsimd::fma(ak, b1, c11);
    ak = batch(a2[k * step]);
    c20 = xsimd::fma(ak, b0, c20);
    c21 = xsimd::fma(ak, b1, c21);
    ak = batch(a3[k * step]);
    c30 = xsimd::fma(ak, b0, c30);
    c31 = xsimd::fma(ak, b1, c31);
  }
  acc = {c00, c01, c10, c11, c20, c21, c30, c31};
}

inline void multiply_add(Accumulators& acc, int kc, const PackedA& a, BStrip s) {
  multiply_add<MR>(acc, kc, a.a, a.a + 1, a.a + 2, a.a + 3, s.b, s.b_stride);
}

inline void multiply_add(Accumulators& acc, int kc, const RowsA& a, BStrip s) {
  Index off = 0;
  for (int k0 = 0; k0 < kc; k0 += a.seg_len, off += a.seg_stride)
    multiply_add<1>(acc, std::min(a.seg_len, kc - k0), a.row[0] + off, a.row[1] + off,
                    a.row[2] + off, a.row[3] + off, s.b, s.b_stride);
}

// C tile (rows x cols valid of MR x NR) (+)= A panel * B strip over kc, then the epilogue.
// Kept out of line: inlined into gemm's large body, V8's register allocation of the k loop got
// worse (conv shapes measured 3-10% slower in TurboFan).
template <typename APanel>
__attribute__((noinline)) void micro_kernel(int kc, const APanel& a, BStrip b, float* const* c_row,
                                            int rows, int cols, bool add, const TileEpilogue& e) {
  Accumulators acc;
  multiply_add(acc, kc, a, b);
  const batch c00 = acc.c00, c01 = acc.c01, c10 = acc.c10, c11 = acc.c11;
  const batch c20 = acc.c20, c21 = acc.c21, c30 = acc.c30, c31 = acc.c31;
  if (rows == MR && cols == NR) {
    write_row(c_row[0], c00, c01, add, e);
    write_row(c_row[1], c10, c11, add, e);
    write_row(c_row[2], c20, c21, add, e);
    write_row(c_row[3], c30, c31, add, e);
    return;
  }
  // Edge tile: the padded lanes were computed from zero padding (or repeated rows of A); write
  // back only the valid part so nothing past C's edge (or its ldc gap) is touched.
  alignas(64) float tile[MR * NR];
  c00.store_aligned(tile), c01.store_aligned(tile + W);
  c10.store_aligned(tile + NR), c11.store_aligned(tile + NR + W);
  c20.store_aligned(tile + 2 * NR), c21.store_aligned(tile + 2 * NR + W);
  c30.store_aligned(tile + 3 * NR), c31.store_aligned(tile + 3 * NR + W);
  for (int r = 0; r < rows; ++r) {
    float* c = c_row[r];
    for (int j = 0; j < cols; ++j) {
      float v = add ? c[j] + tile[r * NR + j] : tile[r * NR + j];
      if (e.bias) v += e.bias[j];
      if (e.relu) v = std::max(v, 0.0f);
      c[j] = v;
    }
  }
}

// C without any product (K = 0): C = relu?([C] + bias).
void epilogue_only(int M, int N, float* C, int ldc, bool accumulate, const GemmEpilogue& e) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float& c = C[Index(i) * ldc + j];
      float v = accumulate ? c : 0.0f;
      if (e.bias) v += e.bias[j];
      if (e.relu) v = std::max(v, 0.0f);
      c = v;
    }
}

// K blocks of about KC. Where op(A) = S, K runs along S's segmented columns: a block is then a
// whole number of segments, so each block's rows start at a segment (a kernel row).
int k_block(bool trans_a, int K, const SlidingRows& s) {
  const int unit = !trans_a && s.seg_len < K ? s.seg_len : 1;
  const int units = K / unit;
  const int per_block = std::max(1, KC / unit);
  const int blocks = (units + per_block - 1) / per_block;
  // Split evenly (800 -> 3 x 267, not 384 + 384 + 32) so no block is a mostly-overhead sliver.
  return (units + blocks - 1) / blocks * unit;
}

// C = op(A) op(B) where op(A)'s rows are S's rows from s_row0 on (trans_a false) or S's columns
// from s_col0 on (trans_a true). C is a matrix (C, ldc) or, when `windows` is given, the windows
// of an image that row i of C adds into (see gemm_into_windows; C and ldc are then unused).
void gemm_serial(bool trans_a, bool trans_b, int M, int N, int K, const SlidingRows& s, int s_row0,
                 int s_col0, const float* B, int ldb, float* C, int ldc, bool accumulate,
                 const GemmEpilogue& epilogue, const SlidingRows* windows = nullptr) {
  const int kc_max = k_block(trans_a, K, s);
  const int per_image = windows ? windows->OH * windows->OW : 0;
  // With few rows each strip of B serves only a few tiles, so packing it (a read and a write of
  // all of B, every call) costs more than reading its rows in place, ldb apart: a Dense layer's
  // forward pass (M = the batch) and a first layer's kernel gradient (M = 9 taps). Edge strips
  // need the packing's zero padding.
  const bool b_in_place = !trans_b && M <= kInPlaceRows && N % NR == 0;
  thread_local Scratch a_buf, b_buf;
  const int nc_max = std::min(N, NC);
  float* bp = scratch(b_buf, Index(kc_max) * ((nc_max + NR - 1) / NR) * NR);
  float* ap =
      trans_a ? scratch(a_buf, Index(kc_max) * ((std::min(M, MC) + MR - 1) / MR) * MR) : nullptr;

  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0);
    for (int p0 = 0; p0 < K; p0 += kc_max) {
      const int kc = std::min(kc_max, K - p0);
      // Only the first K block may overwrite C; later ones add to the partial sums. The
      // epilogue waits for the last one.
      const bool add = accumulate || p0 > 0;
      const bool last = p0 + kc == K;
      if (!b_in_place) pack_b(trans_b, B, ldb, p0, kc, j0, nc, bp);
      const Index a_offset = trans_a ? 0 : column_offset(s, p0);
      for (int i0 = 0, mc; i0 < M; i0 += mc) {
        // Row blocks written into windows never straddle two images, so each image's sums run
        // in the same order whichever images a call (a thread) was given.
        const int to_image_end = windows ? per_image - i0 % per_image : M;
        mc = std::min({MC, M - i0, to_image_end});
        if (trans_a) pack_a_trans(s, s_col0 + i0, mc, s_row0 + p0, kc, ap);
        for (int j = 0; j < nc; j += NR) {
          const BStrip b = b_in_place ? BStrip{B + Index(p0) * ldb + j0 + j, ldb}
                                      : BStrip{bp + Index(j / NR) * kc * NR, NR};
          const TileEpilogue e{last && epilogue.bias ? epilogue.bias + j0 + j : nullptr,
                               last && epilogue.relu};
          const int cols = std::min(NR, nc - j);
          RowCursor row(s, trans_a ? 0 : s_row0 + i0);
          RowCursor out(windows ? *windows : s, windows ? i0 : 0);
          const Index out_offset = windows ? column_offset(*windows, j0 + j) : 0;
          for (int i = 0; i < mc; i += MR) {
            const int rows = std::min(MR, mc - i);
            float* c[MR];
            for (int r = 0; r < MR; ++r) {
              if (!windows) {
                c[r] = C + Index(i0 + i + r) * ldc + j0 + j;
              } else if (r < rows) {
                // The one place SlidingRows is written through: gemm_into_windows's target.
                c[r] = const_cast<float*>(out.get()) + out_offset;
                out.next();
              }
            }
            if (trans_a) {
              micro_kernel(kc, PackedA{ap + Index(i / MR) * kc * MR}, b, c, rows, cols, add, e);
              continue;
            }
            // Rows past M repeat the last valid row: finite values whose results are dropped.
            RowsA a{{}, s.seg_len, s.seg_stride};
            for (int r = 0; r < MR; ++r) {
              if (r >= rows) {
                a.row[r] = a.row[rows - 1];
                continue;
              }
              a.row[r] = row.get() + a_offset;
              row.next();
            }
            micro_kernel(kc, a, b, c, rows, cols, add, e);
          }
        }
      }
    }
  }
}

// A kernel gradient's long K (every output pixel of the batch) with a small C: K is cut into
// kKSplits fixed pieces whose partial products are summed in piece order afterwards. The pieces
// do not depend on the thread count, so 1 and 2 threads agree bit for bit, and each thread
// packs only its pieces of A^T (a split of C's columns made every thread pack all of it).
constexpr int kKSplits = 2 * kChunksPerThread;

bool splits_k(bool trans_a, int M, int N, int K) {
  return trans_a && K >= kKSplits * KC && long(M) * N <= 64 * 1024;
}

void gemm_split_k(bool trans_b, int M, int N, int K, const SlidingRows& A, const float* B, int ldb,
                  float* C, int ldc, bool accumulate, const GemmEpilogue& epilogue) {
  const Index size = Index(M) * N;
  thread_local Scratch partial_buf;
  float* partials = scratch(partial_buf, kKSplits * size);
  parallel_for(kKSplits, [&](int piece) {
    const Range r = chunk_range(K, kKSplits, piece);
    const float* b = trans_b ? B + r.begin : B + Index(r.begin) * ldb;
    gemm_serial(true, trans_b, M, N, r.end - r.begin, A, r.begin, 0, b, ldb,
                partials + piece * size, N, false, {});
  });
  for (int i = 0; i < M; ++i) {
    float* c = C + Index(i) * ldc;
    for (int j = 0; j < N; ++j) {
      float v = partials[Index(i) * N + j];
      for (int piece = 1; piece < kKSplits; ++piece) v += partials[piece * size + Index(i) * N + j];
      if (accumulate) v = c[j] + v;
      if (epilogue.bias) v += epilogue.bias[j];
      if (epilogue.relu) v = std::max(v, 0.0f);
      c[j] = v;
    }
  }
}

}  // namespace

SlidingRows SlidingRows::matrix(const float* a, int rows, int cols, int lda) {
  return {a, 1, rows, 0, 0, lda, std::max(cols, 1), 0};
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate, const GemmEpilogue& epilogue) {
  const SlidingRows s = SlidingRows::matrix(A, trans_a ? K : M, trans_a ? M : K, lda);
  gemm(trans_a, trans_b, M, N, K, s, B, ldb, C, ldc, accumulate, epilogue);
}

void gemm_one_thread(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                     const float* B, int ldb, float* C, int ldc, bool accumulate,
                     const GemmEpilogue& epilogue) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return epilogue_only(M, N, C, ldc, accumulate, epilogue);
  const SlidingRows s = SlidingRows::matrix(A, trans_a ? K : M, trans_a ? M : K, lda);
  gemm_serial(trans_a, trans_b, M, N, K, s, 0, 0, B, ldb, C, ldc, accumulate, epilogue);
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const SlidingRows& A, const float* B,
          int ldb, float* C, int ldc, bool accumulate, const GemmEpilogue& epilogue) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return epilogue_only(M, N, C, ldc, accumulate, epilogue);
  if (splits_k(trans_a, M, N, K))
    return gemm_split_k(trans_b, M, N, K, A, B, ldb, C, ldc, accumulate, epilogue);
  const int m_tiles = (M + MR - 1) / MR, n_tiles = (N + NR - 1) / NR;
  // max_threads() is a constant: without threads compiled in, this is always the serial call.
  const int threads = max_threads() > 1 ? num_threads() : 1;
  // Below ~64K multiply-adds (a few microseconds; twice the pool's usual threshold, which tests
  // set to 0 to split everything) waking the helper costs more than it saves.
  if (threads < 2 || double(M) * N * K < 2.0 * double(min_parallel_work()) ||
      std::max(m_tiles, n_tiles) < 2)
    return gemm_serial(trans_a, trans_b, M, N, K, A, 0, 0, B, ldb, C, ldc, accumulate, epilogue);
  // Split C along rows or columns, never K: every entry is then the same float sum, in the same
  // K-block order, that the one-thread call computes, so 1 and 2 threads agree bit for bit. The
  // cut falls on whole tiles, along the dimension with more of them (a conv's weight gradient
  // has M = 9 rows, but N = 32 columns).
  const bool split_m = m_tiles >= n_tiles;
  // A few chunks per thread, claimed dynamically (see chunks_for), where that stays cheap: each
  // chunk of an M split packs all of op(B) again, so it keeps >= 128 rows; an N split of A^T
  // packs all of A^T again, so that one stays at one chunk per thread.
  const int most = kChunksPerThread * threads;
  const int chunks = split_m   ? std::clamp(M / 128, threads, most)
                     : trans_a ? threads
                               : std::min(n_tiles, most);
  parallel_for(chunks, [&](int chunk) {
    if (split_m) {
      const Range r = chunk_range(M, chunks, chunk, MR);
      if (r.begin >= r.end) return;
      gemm_serial(trans_a, trans_b, r.end - r.begin, N, K, A, trans_a ? 0 : r.begin,
                  trans_a ? r.begin : 0, B, ldb, C + Index(r.begin) * ldc, ldc, accumulate,
                  epilogue);
    } else {
      const Range r = chunk_range(N, chunks, chunk, NR);
      if (r.begin >= r.end) return;
      const float* b = trans_b ? B + Index(r.begin) * ldb : B + r.begin;
      GemmEpilogue e = epilogue;
      if (e.bias) e.bias += r.begin;
      gemm_serial(trans_a, trans_b, M, r.end - r.begin, K, A, 0, 0, b, ldb, C + r.begin, ldc,
                  accumulate, e);
    }
  });
}

void gemm_into_windows(int M, int N, int K, const float* A, int lda, bool trans_b, const float* B,
                       int ldb, const SlidingRows& windows) {
  const int per_image = windows.OH * windows.OW;
  const int images = M / per_image;
  // Threads take whole images: images do not overlap, and gemm_serial blocks rows by image, so
  // every pixel's sum runs in the same order however the images are shared out.
  const int chunks = chunks_for(long(M) * N * K, images);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(images, chunks, chunk);
    if (r.begin >= r.end) return;
    SlidingRows first = windows;
    first.x += Index(r.begin) * windows.image;
    // The images start from zero, cleared here so each thread clears its own.
    float* target = const_cast<float*>(first.x);
    std::fill(target, target + Index(r.end - r.begin) * windows.image, 0.0f);
    const int rows = (r.end - r.begin) * per_image;
    const SlidingRows a = SlidingRows::matrix(A + Index(r.begin) * per_image * lda, rows, K, lda);
    gemm_serial(false, trans_b, rows, N, K, a, 0, 0, B, ldb, nullptr, 0, true, {}, &first);
  });
}

}  // namespace convlab
