#include "kernels/winograd.hpp"

#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "core/thread_pool.hpp"
#include "kernels/simd.hpp"

namespace convlab {

namespace {

using simd::batch;
constexpr int kWidth = simd::W;
constexpr int kOut = 4;                // outputs per tile side
constexpr int kIn = kOut + 2;          // input pixels per tile side
constexpr int kPoints = kIn * kIn;     // gemms per block
constexpr int kTilesPerBlock = 32;     // at most: a block's transforms (2 x 36 x 32 x C
                                       // floats) stay in L2 between the three phases, and
                                       // its gemms (M <= 64 rows) read U in place
constexpr int kSlots = max_threads();  // one scratch slot per thread (worker_index)
constexpr std::size_t kAlign = 16;     // floats: 64 bytes

std::size_t round_up(std::size_t n) {
  return (n + kAlign - 1) / kAlign * kAlign;
}

// The 1-D transforms (rows of B^T, G and A^T), written as the few additions they are. T is a
// batch of channels or one float (the channel count's remainder).
template <class T>
inline void input_1d(const T d[kIn], T o[kIn]) {
  const T t1 = d[4] - 4.0f * d[2], u1 = d[3] - 4.0f * d[1];
  const T t2 = d[4] - d[2], u2 = 2.0f * (d[3] - d[1]);
  o[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
  o[1] = t1 + u1;
  o[2] = t1 - u1;
  o[3] = t2 + u2;
  o[4] = t2 - u2;
  o[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
}

template <class T>
inline void output_1d(const T m[kIn], T o[kOut]) {
  const T a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], d = m[3] - m[4];
  o[0] = m[0] + a + c;
  o[1] = b + 2.0f * d;
  o[2] = a + 4.0f * c;
  o[3] = b + 8.0f * d + m[5];
}

// G's rows over one kernel column (g0, g1, g2); its sixths and twenty-fourths as products.
template <class T>
inline void kernel_1d(const T g[3], T o[kIn]) {
  const T s = g[0] + g[2], q = g[0] + 4.0f * g[2];
  o[0] = 0.25f * g[0];
  o[1] = (s + g[1]) * (-1.0f / 6.0f);
  o[2] = (s - g[1]) * (-1.0f / 6.0f);
  o[3] = (q + 2.0f * g[1]) * (1.0f / 24.0f);
  o[4] = (q - 2.0f * g[1]) * (1.0f / 24.0f);
  o[5] = g[2];
}

// The kernel gradient's transforms, the transposes of the forward ones: A over a 4-value column
// of dL/dy (6 out), and G^T over a 6-value column of the transformed gradient (3 out).
template <class T>
inline void output_1d_transposed(const T v[kOut], T o[kIn]) {
  const T e = v[0] + v[2], d = v[1] + v[3];
  const T e4 = v[0] + 4.0f * v[2], d8 = 2.0f * v[1] + 8.0f * v[3];
  o[0] = v[0];
  o[1] = e + d;
  o[2] = e - d;
  o[3] = e4 + d8;
  o[4] = e4 - d8;
  o[5] = v[3];
}

template <class T>
inline void kernel_1d_transposed(const T v[kIn], T o[3]) {
  const T s12 = v[1] + v[2], d12 = v[2] - v[1], s34 = v[3] + v[4], d34 = v[3] - v[4];
  o[0] = 0.25f * v[0] - s12 * (1.0f / 6.0f) + s34 * (1.0f / 24.0f);
  o[1] = d12 * (1.0f / 6.0f) + d34 * (1.0f / 12.0f);
  o[2] = (s34 - s12) * (1.0f / 6.0f) + v[5];
}

inline void load(const float* p, batch& v) {
  v = batch::load_unaligned(p);
}
inline void load(const float* p, float& v) {
  v = *p;
}
inline void store(float* p, const batch& v) {
  v.store_unaligned(p);
}
inline void store(float* p, float v) {
  *p = v;
}
// max(v, 0) keeping NaN, for the batch and the scalar tail alike.
using simd::relu;
inline float relu(float v) {
  return std::max(v, 0.0f);
}

// v[p * stride + c] for the 36 points p = B^T d B of channel(s) c, d read through px (36 pixel
// pointers, row-major over the 6x6 block).
template <class T>
void input_tile(const float* const px[kPoints], int c, float* v, std::size_t stride) {
  T t[kIn][kIn];
  for (int j = 0; j < kIn; ++j) {
    T col[kIn], o[kIn];
    for (int i = 0; i < kIn; ++i) load(px[i * kIn + j] + c, col[i]);
    input_1d(col, o);
    for (int i = 0; i < kIn; ++i) t[i][j] = o[i];
  }
  for (int i = 0; i < kIn; ++i) {
    T o[kIn];
    input_1d(t[i], o);
    for (int j = 0; j < kIn; ++j) store(v + std::size_t(i * kIn + j) * stride + c, o[j]);
  }
}

// out[i * 4 + j][f] = epilogue((A^T M A)[i][j]) for filter(s) f, M read at m[p * stride + f].
template <class T>
void output_tile(const float* m, std::size_t stride, int f, float* const out[kOut * kOut],
                 const GemmEpilogue& e) {
  T t[kOut][kIn];
  for (int j = 0; j < kIn; ++j) {
    T col[kIn], o[kOut];
    for (int i = 0; i < kIn; ++i) load(m + std::size_t(i * kIn + j) * stride + f, col[i]);
    output_1d(col, o);
    for (int i = 0; i < kOut; ++i) t[i][j] = o[i];
  }
  T bias(0.0f);
  if (e.bias) load(e.bias + f, bias);
  for (int i = 0; i < kOut; ++i) {
    T o[kOut];
    output_1d(t[i], o);
    for (int j = 0; j < kOut; ++j) {
      T y = o[j];
      if (e.bias) y += bias;
      if (e.relu) y = relu(y);
      store(out[i * kOut + j] + f, y);
    }
  }
}

// u's 36 points for channel c and filter(s) f: G g G^T of the 3x3 kernel slice g[a][b] =
// kernel[a][b][c][f], or kernel[2 - a][2 - b][c][f] for the input gradient, whose u is stored
// (36, F, C): those stores go lane by lane, c consecutive (the caller's inner loop).
template <class T>
void kernel_tile(const float* kernel, int C, int F, int c, int f, bool for_input_gradient,
                 float* u) {
  T t[kIn][3];  // G g
  for (int b = 0; b < 3; ++b) {
    T col[3], o[kIn];
    for (int a = 0; a < 3; ++a) {
      const int tap = for_input_gradient ? (2 - a) * 3 + (2 - b) : a * 3 + b;
      load(kernel + (std::size_t(tap) * C + c) * F + f, col[a]);
    }
    kernel_1d(col, o);
    for (int i = 0; i < kIn; ++i) t[i][b] = o[i];
  }
  for (int i = 0; i < kIn; ++i) {
    T o[kIn];
    kernel_1d(t[i], o);
    for (int j = 0; j < kIn; ++j) {
      const std::size_t p = std::size_t(i * kIn + j);
      if (!for_input_gradient) {
        store(u + (p * C + c) * F + f, o[j]);
        continue;
      }
      alignas(64) float lanes[kWidth];
      store(lanes, o[j]);
      for (int l = 0; l < int(sizeof(T) / sizeof(float)); ++l)
        u[(p * F + f + l) * C + c] = lanes[l];
    }
  }
}

// The batch's tiles in blocks of at most kTilesPerBlock: a multiple of 4 tiles (the gemm's
// rows come 4 at a time), and an even number of blocks where one of 16..32 tiles gives it (9 blocks
// of 32 would leave one thread 5 and the other 4; 12 of 24 split evenly). With threads, a chunk
// is one block.
struct Blocks {
  int count, size;
};

Blocks blocks_of(long tiles) {
  for (int size = kTilesPerBlock; size >= 16; size -= 4) {
    const long count = (tiles + size - 1) / size;
    if (count % 2 == 0 || count <= 1) return {int(count), size};
  }
  return {int((tiles + kTilesPerBlock - 1) / kTilesPerBlock), kTilesPerBlock};
}

struct Tiling {
  int per_row, per_image;  // tiles per row of tiles, per image
};

Tiling tiling(const WinogradShape& s) {
  const int per_row = (s.OW + kOut - 1) / kOut;
  return {per_row, (s.OH + kOut - 1) / kOut * per_row};
}

// One thread's scratch: the block's transformed input V (36, tiles, C) and products
// M (36, tiles, F), and a row of F floats that output pixels past the edge are written to.
struct Slot {
  float* v;
  float* m;
  float* sink;
};

// Floats between two points' matrices in V or M: a block's rows, plus one cache line, so that
// the 36 points of a tile, written (read) together by the transforms, fall in different L1 sets
// (at a multiple of 4 KB apart they would share one set and evict each other: the transforms
// ran at half speed).
std::size_t point_stride(int channels, long rows = kTilesPerBlock) {
  return round_up(std::size_t(rows) * channels) + kAlign;
}

std::size_t slot_floats(const WinogradShape& s) {
  return kPoints * (point_stride(s.C) + point_stride(s.F)) + round_up(s.F);
}

Slot slot(float* base, const WinogradShape& s) {
  float* m = base + kPoints * point_stride(s.C);
  return {base, m, m + kPoints * point_stride(s.F)};
}

// px = the 6x6 input pixels under tile `tile` of the batch (counted image by image, row by row),
// `zeros` where they fall outside the input.
void input_pixels(const WinogradShape& s, const Tiling& tl, const float* x, const float* zeros,
                  long tile, const float* px[kPoints]) {
  const long n = tile / tl.per_image;
  const int r = int(tile % tl.per_image);
  const int y0 = r / tl.per_row * kOut - s.pad_top, x0 = r % tl.per_row * kOut - s.pad_left;
  for (int i = 0; i < kIn; ++i)
    for (int j = 0; j < kIn; ++j) {
      const int iy = y0 + i, ix = x0 + j;
      const bool inside = iy >= 0 && iy < s.H && ix >= 0 && ix < s.W;
      px[i * kIn + j] = inside ? x + ((n * s.H + iy) * s.W + ix) * s.C : zeros;
    }
}

// out = the 4x4 output pixels of tile `tile`, `outside` for those past the output's edge.
template <class P>
void output_pixels(const WinogradShape& s, const Tiling& tl, P* y, P* outside, long tile,
                   P* out[kOut * kOut]) {
  const long n = tile / tl.per_image;
  const int r = int(tile % tl.per_image);
  const int y0 = r / tl.per_row * kOut, x0 = r % tl.per_row * kOut;
  for (int i = 0; i < kOut; ++i)
    for (int j = 0; j < kOut; ++j) {
      const int oy = y0 + i, ox = x0 + j;
      const bool inside = oy < s.OH && ox < s.OW;
      out[i * kOut + j] = inside ? y + ((n * s.OH + oy) * s.OW + ox) * s.F : outside;
    }
}

// Tiles t0 .. t0 + tiles - 1 of the batch.
void run_block(const WinogradShape& s, const Tiling& tl, const float* x, const float* u, float* y,
               const GemmEpilogue& e, const float* zeros, const Slot& w, long t0, int tiles) {
  const std::size_t v_stride = point_stride(s.C), m_stride = point_stride(s.F);
  for (int t = 0; t < tiles; ++t) {
    const float* px[kPoints];
    input_pixels(s, tl, x, zeros, t0 + t, px);
    float* v = w.v + std::size_t(t) * s.C;
    int c = 0;
    for (; c + kWidth <= s.C; c += kWidth) input_tile<batch>(px, c, v, v_stride);
    for (; c < s.C; ++c) input_tile<float>(px, c, v, v_stride);
  }
  for (int p = 0; p < kPoints; ++p)
    gemm_one_thread(false, false, tiles, s.F, s.C, w.v + p * v_stride, s.C,
                    u + std::size_t(p) * s.C * s.F, s.F, w.m + p * m_stride, s.F, false);
  for (int t = 0; t < tiles; ++t) {
    float* out[kOut * kOut];
    output_pixels(s, tl, y, w.sink, t0 + t, out);
    const float* m = w.m + std::size_t(t) * s.F;
    int f = 0;
    for (; f + kWidth <= s.F; f += kWidth) output_tile<batch>(m, m_stride, f, out, e);
    for (; f < s.F; ++f) output_tile<float>(m, m_stride, f, out, e);
  }
}

}  // namespace

bool winograd_applies(int kh, int kw, int stride_h, int stride_w, int C) {
  return kh == 3 && kw == 3 && stride_h == 1 && stride_w == 1 && C >= 8;
}

std::size_t winograd_kernel_floats(int C, int F) {
  return std::size_t(kPoints) * C * F;
}

void winograd_kernel_transform(const float* kernel, int C, int F, bool for_input_gradient,
                               float* u) {
  // Channels split between threads: each writes only its channels' entries of u.
  const int chunks = chunks_for(long(kPoints) * C * F, C);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(C, chunks, chunk);
    int f = 0;
    for (; f + kWidth <= F; f += kWidth)
      for (int c = r.begin; c < r.end; ++c)
        kernel_tile<batch>(kernel, C, F, c, f, for_input_gradient, u);
    for (; f < F; ++f)
      for (int c = r.begin; c < r.end; ++c)
        kernel_tile<float>(kernel, C, F, c, f, for_input_gradient, u);
  });
}

std::size_t winograd_workspace_floats(const WinogradShape& s) {
  return round_up(std::size_t(s.C)) + kSlots * slot_floats(s);
}

void winograd_conv(const WinogradShape& s, const float* x, const float* u, float* y,
                   const GemmEpilogue& epilogue, float* workspace) {
  const Tiling tl = tiling(s);
  const long tiles = long(s.N) * tl.per_image;
  if (tiles <= 0 || s.F <= 0) return;
  // Pixels outside the input read from a row of zeros.
  float* zeros = workspace;
  std::fill(zeros, zeros + s.C, 0.0f);
  float* slots = workspace + round_up(std::size_t(s.C));
  const Blocks bl = blocks_of(tiles);
  // Each block is computed the same way whichever thread runs it.
  const int chunks = chunks_for(tiles * kPoints * long(s.C) * s.F, bl.count) > 1 ? bl.count : 1;
  parallel_for(chunks, [&](int chunk) {
    const Slot w = slot(slots + std::size_t(worker_index()) * slot_floats(s), s);
    const Range r = chunk_range(bl.count, chunks, chunk);
    for (long b = r.begin; b < r.end; ++b) {
      const long t0 = b * bl.size;
      run_block(s, tl, x, u, y, epilogue, zeros, w, t0, int(std::min<long>(bl.size, tiles - t0)));
    }
  });
}

}  // namespace convlab

namespace convlab {

namespace {

// Z's 36 points for filter(s) f of one tile: A dy A^T of the tile's 4x4 gradient pixels.
template <class T>
void gradient_tile(const float* const px[kOut * kOut], int f, float* z, std::size_t stride) {
  T t[kIn][kOut];
  for (int j = 0; j < kOut; ++j) {
    T col[kOut], o[kIn];
    for (int i = 0; i < kOut; ++i) load(px[i * kOut + j] + f, col[i]);
    output_1d_transposed(col, o);
    for (int i = 0; i < kIn; ++i) t[i][j] = o[i];
  }
  for (int i = 0; i < kIn; ++i) {
    T o[kIn];
    output_1d_transposed(t[i], o);
    for (int j = 0; j < kIn; ++j) store(z + std::size_t(i * kIn + j) * stride + f, o[j]);
  }
}

// dkernel[a][b][c][f] = (G^T dU G)[a][b] for channel c, filter(s) f, dU (36, C, F).
template <class T>
void kernel_gradient_tile(const float* du, int C, int F, int c, int f, float* dkernel) {
  T t[3][kIn];
  for (int j = 0; j < kIn; ++j) {
    T col[kIn], o[3];
    for (int i = 0; i < kIn; ++i) load(du + (std::size_t(i * kIn + j) * C + c) * F + f, col[i]);
    kernel_1d_transposed(col, o);
    for (int i = 0; i < 3; ++i) t[i][j] = o[i];
  }
  for (int a = 0; a < 3; ++a) {
    T o[3];
    kernel_1d_transposed(t[a], o);
    for (int b = 0; b < 3; ++b) store(dkernel + (std::size_t(a * 3 + b) * C + c) * F + f, o[b]);
  }
}

}  // namespace

std::size_t winograd_kernel_gradient_floats(const WinogradShape& s) {
  const long tiles = long(s.N) * tiling(s).per_image;
  return round_up(std::size_t(std::max(s.C, s.F))) +
         kPoints * (point_stride(s.C, tiles) + point_stride(s.F, tiles)) +
         winograd_kernel_floats(s.C, s.F);
}

void winograd_kernel_gradient(const WinogradShape& s, const float* x, const float* dy,
                              float* dkernel, float* workspace) {
  const Tiling tl = tiling(s);
  const long tiles = long(s.N) * tl.per_image;
  const std::size_t v_stride = point_stride(s.C, tiles), z_stride = point_stride(s.F, tiles);
  float* zeros = workspace;
  std::fill(zeros, zeros + std::max(s.C, s.F), 0.0f);
  float* v = zeros + round_up(std::size_t(std::max(s.C, s.F)));
  float* z = v + kPoints * v_stride;
  float* du = z + kPoints * z_stride;
  if (tiles <= 0) {
    std::fill(dkernel, dkernel + std::size_t(9) * s.C * s.F, 0.0f);
    return;
  }
  // The whole batch's V = B^T x B and Z = A dy A^T (each tile by whichever thread)...
  const Blocks bl = blocks_of(tiles);
  const int transform_chunks =
      chunks_for(tiles * kPoints * long(s.C + s.F), bl.count) > 1 ? bl.count : 1;
  parallel_for(transform_chunks, [&](int chunk) {
    const Range r = chunk_range(bl.count, transform_chunks, chunk);
    for (long t = r.begin * long(bl.size); t < std::min(tiles, r.end * long(bl.size)); ++t) {
      const float* px[kPoints];
      input_pixels(s, tl, x, zeros, t, px);
      int c = 0;
      for (; c + kWidth <= s.C; c += kWidth) input_tile<batch>(px, c, v + t * s.C, v_stride);
      for (; c < s.C; ++c) input_tile<float>(px, c, v + t * s.C, v_stride);
      const float* pz[kOut * kOut];
      output_pixels(s, tl, dy, static_cast<const float*>(zeros), t, pz);
      int f = 0;
      for (; f + kWidth <= s.F; f += kWidth) gradient_tile<batch>(pz, f, z + t * s.F, z_stride);
      for (; f < s.F; ++f) gradient_tile<float>(pz, f, z + t * s.F, z_stride);
    }
  });
  // ... then per point dU = V^T Z summed over all tiles in one gemm: points are split between
  // threads, never tiles, so each sum runs in the same order on one thread or two.
  const int point_chunks = chunks_for(tiles * kPoints * long(s.C) * s.F, kPoints) > 1 ? kPoints : 1;
  parallel_for(point_chunks, [&](int chunk) {
    const Range r = chunk_range(kPoints, point_chunks, chunk);
    for (int p = r.begin; p < r.end; ++p)
      gemm_one_thread(true, false, s.C, s.F, int(tiles), v + p * v_stride, s.C, z + p * z_stride,
                      s.F, du + std::size_t(p) * s.C * s.F, s.F, false);
  });
  const int chunks = chunks_for(long(kPoints) * s.C * s.F, s.C);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(s.C, chunks, chunk);
    int f = 0;
    for (; f + kWidth <= s.F; f += kWidth)
      for (int c = r.begin; c < r.end; ++c)
        kernel_gradient_tile<batch>(du, s.C, s.F, c, f, dkernel);
    for (; f < s.F; ++f)
      for (int c = r.begin; c < r.end; ++c)
        kernel_gradient_tile<float>(du, s.C, s.F, c, f, dkernel);
  });
}

}  // namespace convlab
