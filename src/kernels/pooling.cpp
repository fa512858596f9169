#include "kernels/pooling.hpp"

#include <algorithm>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "core/thread_pool.hpp"
#include "kernels/simd.hpp"

namespace convlab {

namespace {

using fbatch = simd::batch;
using ibatch = xsimd::batch<int32_t>;
using simd::W;
static_assert(int(ibatch::size) == W, "argmax lanes must pair up with value lanes");

alignas(64) const int32_t kIota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// One window along one axis: output coordinate o starts at input coordinate `origin` (negative
// under padding) and its kernel offsets [lo, hi) are the ones inside the input.
struct AxisWindow {
  int origin, lo, hi;
};
inline AxisWindow axis_window(int o, int stride, int pad, int k, int size) {
  const int origin = o * stride - pad;
  return {origin, std::max(0, -origin), std::min(k, size - origin)};
}

// The flat input indices first .. first + W - 1.
inline ibatch index_lanes(int32_t first) {
  return ibatch(first) + ibatch::load_aligned(kIota);
}

// The same indices carried in float lanes (as raw bits) so a single float mask can select
// values and indices together.
inline fbatch lane_indices(int32_t first) {
  return xsimd::bitwise_cast<fbatch>(index_lanes(first));
}

// 2x2 windows at stride 2, every one wholly inside the input (MaxPooling2D()'s default on
// 'valid', and on 'same' at even sizes): the four pixels are known, so the walks below are
// unrolled for them. Measured on lab's first pooling (26x26x32, native, one thread):
// forward 0.43 -> 0.24 ms, backward 0.48 -> 0.36 ms a step (medians of 3).
bool whole_2x2(const Window2D& g) {
  return g.kh == 2 && g.kw == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_top == 0 &&
         g.pad_left == 0 && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
}

// The flat indices of output (l = n * OH + oy, ox)'s window pixels, in (ky, kx) order.
struct Quad {
  int32_t at[4];
};
inline Quad quad(const Window2D& g, int l, int ox) {
  const int n = l / g.OH, oy = l % g.OH;
  const int32_t p = ((n * g.H + 2 * oy) * g.W + 2 * ox) * g.C, row = g.W * g.C;
  return {{p, p + g.C, p + row, p + row + g.C}};
}

}  // namespace

// Channels innermost, W at a time: each window pixel's channels are contiguous in NHWC, and
// selects replace the reference's branch, which on random data is a coin flip (the branchy
// channel-outer loop cost ~5 ns per element in mispredictions and strided loads).
// Pixels are visited in the reference's (ky, kx) order and only a strictly greater value
// replaces the running best, so ties (and NaNs) resolve exactly as in the reference.
namespace {

// Output lines (n, oy) = line_begin .. line_end - 1 (line = n * OH + oy) of max_pool_forward.
void max_pool_forward_lines(const Window2D& g, const float* x, float* y, int32_t* argmax,
                            int line_begin, int line_end) {
  const int C = g.C;
  const int C_vec = C - C % W;
  for (int l = line_begin; l < line_end; ++l) {
    const int n = l / g.OH, oy = l % g.OH;
    const AxisWindow wy = axis_window(oy, g.stride_h, g.pad_top, g.kh, g.H);
    for (int ox = 0; ox < g.OW; ++ox) {
      const AxisWindow wx = axis_window(ox, g.stride_w, g.pad_left, g.kw, g.W);
      const long out = (static_cast<long>(n * g.OH + oy) * g.OW + ox) * C;
      if (wy.lo >= wy.hi || wx.lo >= wx.hi) {  // all padding: no winner, as in the reference
        std::fill(y + out, y + out + C, -std::numeric_limits<float>::infinity());
        std::fill(argmax + out, argmax + out + C, -1);
        continue;
      }
      auto pixel = [&](int ky, int kx) {
        return ((n * g.H + wy.origin + ky) * g.W + wx.origin + kx) * C;
      };
      const int32_t first = pixel(wy.lo, wx.lo);
      for (int c = 0; c < C_vec; c += W) {
        fbatch best = fbatch::load_unaligned(x + first + c);
        fbatch best_index = lane_indices(first + c);
        for (int ky = wy.lo; ky < wy.hi; ++ky)
          for (int kx = ky == wy.lo ? wx.lo + 1 : wx.lo; kx < wx.hi; ++kx) {
            const int32_t i = pixel(ky, kx) + c;
            const fbatch v = fbatch::load_unaligned(x + i);
            const auto greater = v > best;
            best = xsimd::select(greater, v, best);
            best_index = xsimd::select(greater, lane_indices(i), best_index);
          }
        best.store_unaligned(y + out + c);
        xsimd::bitwise_cast<ibatch>(best_index).store_unaligned(argmax + out + c);
      }
      for (int c = C_vec; c < C; ++c) {
        int32_t best_index = first + c;
        for (int ky = wy.lo; ky < wy.hi; ++ky)
          for (int kx = ky == wy.lo ? wx.lo + 1 : wx.lo; kx < wx.hi; ++kx) {
            const int32_t i = pixel(ky, kx) + c;
            if (x[i] > x[best_index]) best_index = i;
          }
        y[out + c] = x[best_index];
        argmax[out + c] = best_index;
      }
    }
  }
}

// max_pool_forward_lines for whole_2x2(g).
void max_pool_forward_lines_2x2(const Window2D& g, const float* x, float* y, int32_t* argmax,
                                int line_begin, int line_end) {
  const int C = g.C;
  const int C_vec = C - C % W;
  for (int l = line_begin; l < line_end; ++l)
    for (int ox = 0; ox < g.OW; ++ox) {
      const long out = (static_cast<long>(l) * g.OW + ox) * C;
      const Quad q = quad(g, l, ox);
      for (int c = 0; c < C_vec; c += W) {
        fbatch best = fbatch::load_unaligned(x + q.at[0] + c);
        fbatch best_index = lane_indices(q.at[0] + c);
        for (int k = 1; k < 4; ++k) {
          const fbatch v = fbatch::load_unaligned(x + q.at[k] + c);
          const auto greater = v > best;
          best = xsimd::select(greater, v, best);
          best_index = xsimd::select(greater, lane_indices(q.at[k] + c), best_index);
        }
        best.store_unaligned(y + out + c);
        xsimd::bitwise_cast<ibatch>(best_index).store_unaligned(argmax + out + c);
      }
      for (int c = C_vec; c < C; ++c) {
        int32_t best_index = q.at[0] + c;
        for (int k = 1; k < 4; ++k)
          if (x[q.at[k] + c] > x[best_index]) best_index = q.at[k] + c;
        y[out + c] = x[best_index];
        argmax[out + c] = best_index;
      }
    }
}

}  // namespace

// Threads: each takes a run of output lines; outputs are disjoint and inputs only read.
void max_pool_forward(const Window2D& g, const float* x, float* y, int32_t* argmax) {
  const int lines = g.N * g.OH;
  const int chunks = chunks_for(long(lines) * g.OW * g.C * g.kh * g.kw, lines);
  const bool unrolled = whole_2x2(g);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(lines, chunks, chunk);
    if (unrolled)
      max_pool_forward_lines_2x2(g, x, y, argmax, r.begin, r.end);
    else
      max_pool_forward_lines(g, x, y, argmax, r.begin, r.end);
  });
}

namespace {

// Windows that do not overlap (stride >= pool, the usual 2x2 at stride 2): each input pixel is
// under at most one window and receives at most its dy, so dx is written once, a select per
// element (dy where this pixel is the window's argmax, else 0), instead of cleared and then
// scattered into. Pixels under no window (an odd size's last row, say) are cleared first.
void max_pool_backward_disjoint(const Window2D& g, const float* dy, const int32_t* argmax,
                                float* dx, int n_begin, int n_end) {
  const int C = g.C, C_vec = C - C % W;
  const long image_in = long(g.H) * g.W * C;
  const bool covered = g.pad_top == 0 && g.pad_left == 0 && g.OH * g.stride_h == g.H &&
                       g.OW * g.stride_w == g.W && g.kh == g.stride_h && g.kw == g.stride_w;
  if (!covered) std::fill(dx + n_begin * image_in, dx + n_end * image_in, 0.0f);
  const fbatch zero(0.0f);
  for (int n = n_begin; n < n_end; ++n)
    for (int oy = 0; oy < g.OH; ++oy) {
      const AxisWindow wy = axis_window(oy, g.stride_h, g.pad_top, g.kh, g.H);
      for (int ox = 0; ox < g.OW; ++ox) {
        const AxisWindow wx = axis_window(ox, g.stride_w, g.pad_left, g.kw, g.W);
        const long out = (static_cast<long>(n * g.OH + oy) * g.OW + ox) * C;
        for (int ky = wy.lo; ky < wy.hi; ++ky)
          for (int kx = wx.lo; kx < wx.hi; ++kx) {
            const int32_t pixel = ((n * g.H + wy.origin + ky) * g.W + wx.origin + kx) * C;
            // + 0.0f: the scatter adds dy to a cleared pixel, which turns a -0 dy into +0.
            for (int c = 0; c < C_vec; c += W) {
              // Compared as integers: as floats, small indices are denormals.
              const auto winner =
                  ibatch::load_unaligned(argmax + out + c) == index_lanes(pixel + c);
              const ibatch d = xsimd::bitwise_cast<ibatch>(fbatch::load_unaligned(dy + out + c));
              (xsimd::bitwise_cast<fbatch>(xsimd::select(winner, d, ibatch(0))) + zero)
                  .store_unaligned(dx + pixel + c);
            }
            for (int c = C_vec; c < C; ++c)
              dx[pixel + c] = argmax[out + c] == pixel + c ? dy[out + c] + 0.0f : 0.0f;
          }
      }
    }
}

// max_pool_backward_disjoint for whole_2x2(g).
void max_pool_backward_2x2(const Window2D& g, const float* dy, const int32_t* argmax, float* dx,
                           int n_begin, int n_end) {
  const int C = g.C, C_vec = C - C % W;
  const long image_in = long(g.H) * g.W * C;
  if (2 * g.OH != g.H || 2 * g.OW != g.W)
    std::fill(dx + n_begin * image_in, dx + n_end * image_in, 0.0f);
  const fbatch zero(0.0f);
  for (int l = n_begin * g.OH; l < n_end * g.OH; ++l)
    for (int ox = 0; ox < g.OW; ++ox) {
      const long out = (static_cast<long>(l) * g.OW + ox) * C;
      const Quad q = quad(g, l, ox);
      for (int c = 0; c < C_vec; c += W) {
        const ibatch winners = ibatch::load_unaligned(argmax + out + c);
        const ibatch d = xsimd::bitwise_cast<ibatch>(fbatch::load_unaligned(dy + out + c));
        for (int k = 0; k < 4; ++k) {
          const auto winner = winners == index_lanes(q.at[k] + c);
          (xsimd::bitwise_cast<fbatch>(xsimd::select(winner, d, ibatch(0))) + zero)
              .store_unaligned(dx + q.at[k] + c);
        }
      }
      for (int c = C_vec; c < C; ++c)
        for (int k = 0; k < 4; ++k)
          dx[q.at[k] + c] = argmax[out + c] == q.at[k] + c ? dy[out + c] + 0.0f : 0.0f;
    }
}

}  // namespace

// Threads: a winner always lies in its own image, so the cut is between images and every dx
// element receives its sums in the one-thread order.
void max_pool_backward(const Window2D& g, const float* dy, const int32_t* argmax, float* dx) {
  const long image_in = static_cast<long>(g.H) * g.W * g.C;
  const long image_out = static_cast<long>(g.OH) * g.OW * g.C;
  const bool disjoint = g.stride_h >= g.kh && g.stride_w >= g.kw, unrolled = whole_2x2(g);
  const int chunks = chunks_for(g.N * (image_in + image_out), g.N);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(g.N, chunks, chunk);
    if (unrolled) return max_pool_backward_2x2(g, dy, argmax, dx, r.begin, r.end);
    if (disjoint) return max_pool_backward_disjoint(g, dy, argmax, dx, r.begin, r.end);
    std::fill(dx + r.begin * image_in, dx + r.end * image_in, 0.0f);
    // A window lying wholly in padding has no winner (-1); its dy has nowhere to go.
    for (long o = r.begin * image_out; o < r.end * image_out; ++o)
      if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
  });
}

void max_pool_backward_naive(const Window2D& g, const float* dy, const int32_t* argmax, float* dx) {
  std::fill(dx, dx + long(g.N) * g.H * g.W * g.C, 0.0f);
  for (long o = 0; o < long(g.rows()) * g.C; ++o)
    if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
}

// The same window walk and winner rule as max_pool_forward (first pixel, then strictly greater
// replaces), minus the index bookkeeping.
namespace {

void max_pool_forward_values_lines(const Window2D& g, const float* x, float* y, int line_begin,
                                   int line_end) {
  const int C = g.C;
  const int C_vec = C - C % W;
  for (int l = line_begin; l < line_end; ++l) {
    const int n = l / g.OH, oy = l % g.OH;
    const AxisWindow wy = axis_window(oy, g.stride_h, g.pad_top, g.kh, g.H);
    for (int ox = 0; ox < g.OW; ++ox) {
      const AxisWindow wx = axis_window(ox, g.stride_w, g.pad_left, g.kw, g.W);
      float* out = y + (static_cast<long>(n * g.OH + oy) * g.OW + ox) * C;
      if (wy.lo >= wy.hi || wx.lo >= wx.hi) {
        std::fill(out, out + C, -std::numeric_limits<float>::infinity());
        continue;
      }
      const float* first =
          x + ((static_cast<long>(n) * g.H + wy.origin + wy.lo) * g.W + wx.origin + wx.lo) * C;
      const long row = static_cast<long>(g.W) * C;
      for (int c = 0; c < C_vec; c += W) {
        fbatch best = fbatch::load_unaligned(first + c);
        for (int ky = 0; ky < wy.hi - wy.lo; ++ky)
          for (int kx = ky == 0 ? 1 : 0; kx < wx.hi - wx.lo; ++kx) {
            const fbatch v = fbatch::load_unaligned(first + ky * row + kx * C + c);
            best = xsimd::select(v > best, v, best);
          }
        best.store_unaligned(out + c);
      }
      for (int c = C_vec; c < C; ++c) {
        float best = first[c];
        for (int ky = 0; ky < wy.hi - wy.lo; ++ky)
          for (int kx = ky == 0 ? 1 : 0; kx < wx.hi - wx.lo; ++kx) {
            const float v = first[ky * row + kx * C + c];
            if (v > best) best = v;
          }
        out[c] = best;
      }
    }
  }
}

// max_pool_forward_values_lines for whole_2x2(g).
void max_pool_forward_values_lines_2x2(const Window2D& g, const float* x, float* y, int line_begin,
                                       int line_end) {
  const int C = g.C;
  const int C_vec = C - C % W;
  for (int l = line_begin; l < line_end; ++l)
    for (int ox = 0; ox < g.OW; ++ox) {
      float* out = y + (static_cast<long>(l) * g.OW + ox) * C;
      const Quad q = quad(g, l, ox);
      for (int c = 0; c < C_vec; c += W) {
        fbatch best = fbatch::load_unaligned(x + q.at[0] + c);
        for (int k = 1; k < 4; ++k) {
          const fbatch v = fbatch::load_unaligned(x + q.at[k] + c);
          best = xsimd::select(v > best, v, best);
        }
        best.store_unaligned(out + c);
      }
      for (int c = C_vec; c < C; ++c) {
        float best = x[q.at[0] + c];
        for (int k = 1; k < 4; ++k)
          if (x[q.at[k] + c] > best) best = x[q.at[k] + c];
        out[c] = best;
      }
    }
}

}  // namespace

void max_pool_forward_values(const Window2D& g, const float* x, float* y) {
  const int lines = g.N * g.OH;
  const int chunks = chunks_for(long(lines) * g.OW * g.C * g.kh * g.kw, lines);
  const bool unrolled = whole_2x2(g);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(lines, chunks, chunk);
    if (unrolled)
      max_pool_forward_values_lines_2x2(g, x, y, r.begin, r.end);
    else
      max_pool_forward_values_lines(g, x, y, r.begin, r.end);
  });
}

void max_pool_forward_naive(const Window2D& g, const float* x, float* y) {
  for (int n = 0; n < g.N; ++n)
    for (int oy = 0; oy < g.OH; ++oy)
      for (int ox = 0; ox < g.OW; ++ox)
        for (int c = 0; c < g.C; ++c) {
          float best = -std::numeric_limits<float>::infinity();
          for (int ky = 0; ky < g.kh; ++ky)
            for (int kx = 0; kx < g.kw; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky;
              const int ix = ox * g.stride_w - g.pad_left + kx;
              if (iy >= 0 && iy < g.H && ix >= 0 && ix < g.W)
                best = std::max(best, x[((n * g.H + iy) * g.W + ix) * g.C + c]);
            }
          y[((n * g.OH + oy) * g.OW + ox) * g.C + c] = best;
        }
}

}  // namespace convlab
