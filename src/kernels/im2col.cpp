#include "kernels/im2col.hpp"

#include <algorithm>

#include "core/thread_pool.hpp"
#include "kernels/vec.hpp"

namespace convlab {

namespace {

// The in-bounds taps of one window row: kx in [lo, hi). Adjacent kx read adjacent NHWC pixels,
// so the whole span is one contiguous run of (hi - lo) * C floats in x, and in a cols row.
struct Span {
  int lo, hi;
};

inline Span valid_taps(int ix0, int k, int size) {
  const int lo = std::min(k, std::max(0, -ix0));
  const int hi = std::min(k, size - ix0);
  return {lo, std::max(lo, hi)};
}

}  // namespace

// The plain loop: convolution no longer runs through im2col (gemm reads the windows in place,
// window_rows), so this is the reference that path is tested against.
void im2col(const Window2D& g, const float* x, float* cols) {
  for (int r = 0; r < g.rows(); ++r) {
    const int n = r / (g.OH * g.OW), oy = r / g.OW % g.OH, ox = r % g.OW;
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx)
        for (int c = 0; c < g.C; ++c) {
          const int iy = oy * g.stride_h - g.pad_top + ky, ix = ox * g.stride_w - g.pad_left + kx;
          const bool inside = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
          cols[(long(r) * g.kh * g.kw + ky * g.kw + kx) * g.C + c] =
              inside ? x[((long(n) * g.H + iy) * g.W + ix) * g.C + c] : 0.0f;
        }
  }
}

// Threads: neighbouring windows overlap, so the cut is between images, each of which only
// touches its own dx; within an image the sums run in the one-thread order.
void col2im(const Window2D& g, const float* cols, float* dx) {
  const int chunks = chunks_for(long(g.N) * g.OH * g.OW * g.patch(), g.N);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(g.N, chunks, chunk);
    col2im_images(g, cols, dx, r.begin, r.end);
  });
}

void col2im_images(const Window2D& g, const float* cols, float* dx, int n_begin, int n_end) {
  const long image = static_cast<long>(g.H) * g.W * g.C;
  std::fill(dx + n_begin * image, dx + n_end * image, 0.0f);
  const int patch = g.patch();
  const int row_len = g.kw * g.C;
  for (int n = n_begin; n < n_end; ++n) {
    for (int oy = 0; oy < g.OH; ++oy) {
      for (int ox = 0; ox < g.OW; ++ox) {
        const float* row = cols + (static_cast<long>(n * g.OH + oy) * g.OW + ox) * patch;
        const int ix0 = ox * g.stride_w - g.pad_left;
        const Span s = valid_taps(ix0, g.kw, g.W);
        for (int ky = 0; ky < g.kh; ++ky) {
          const int iy = oy * g.stride_h - g.pad_top + ky;
          if (iy < 0 || iy >= g.H) continue;
          const float* src = row + ky * row_len + s.lo * g.C;
          float* dst = dx + ((static_cast<long>(n) * g.H + iy) * g.W + ix0 + s.lo) * g.C;
          add_to(dst, src, std::size_t(s.hi - s.lo) * g.C);
        }
      }
    }
  }
}

SlidingRows window_rows(const Window2D& g, const float* x, int H, int W) {
  const long line = long(W) * g.C;
  return {x,          g.OH, g.OW, long(H) * line, g.stride_h * line, long(g.stride_w) * g.C,
          g.kw * g.C, line};
}

namespace {

// Calls copy(x_offset, padded_offset, floats) for each image row x shares with its padded copy
// (pixel (iy, ix) of x sits at (iy + pad_top, ix + pad_left) there).
template <class Copy>
void for_each_shared_row(const Window2D& g, int Hp, int Wp, Copy copy) {
  const long C = g.C, image = long(g.H) * g.W * C, padded_image = long(Hp) * Wp * C;
  const int rows = std::min(g.H, Hp - g.pad_top), cols = std::min(g.W, Wp - g.pad_left);
  if (rows <= 0 || cols <= 0) return;
  for (int n = 0; n < g.N; ++n)
    for (int iy = 0; iy < rows; ++iy)
      copy(n * image + iy * g.W * C,
           n * padded_image + ((iy + g.pad_top) * long(Wp) + g.pad_left) * C, cols * C);
}

}  // namespace

void pad_images(const Window2D& g, const float* x, int Hp, int Wp, float* out) {
  std::fill(out, out + g.N * long(Hp) * Wp * g.C, 0.0f);
  for_each_shared_row(g, Hp, Wp, [&](long at_x, long at_padded, long n) {
    std::copy_n(x + at_x, n, out + at_padded);
  });
}

void crop_images(const Window2D& g, const float* padded, int Hp, int Wp, float* x) {
  // Pixels pad_images left out (past Hp x Wp: under no window) get no gradient.
  std::fill(x, x + g.N * long(g.H) * g.W * g.C, 0.0f);
  for_each_shared_row(g, Hp, Wp, [&](long at_x, long at_padded, long n) {
    std::copy_n(padded + at_padded, n, x + at_x);
  });
}

void conv2d_forward_naive(const Window2D& g, int F, const float* x, const float* kernel,
                          const float* bias, float* y) {
  for (int n = 0; n < g.N; ++n)
    for (int oy = 0; oy < g.OH; ++oy)
      for (int ox = 0; ox < g.OW; ++ox)
        for (int f = 0; f < F; ++f) {
          float sum = bias ? bias[f] : 0.0f;
          for (int ky = 0; ky < g.kh; ++ky)
            for (int kx = 0; kx < g.kw; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky;
              const int ix = ox * g.stride_w - g.pad_left + kx;
              if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) continue;
              for (int c = 0; c < g.C; ++c)
                sum += x[((n * g.H + iy) * g.W + ix) * g.C + c] *
                       kernel[((ky * g.kw + kx) * g.C + c) * F + f];
            }
          y[((n * g.OH + oy) * g.OW + ox) * F + f] = sum;
        }
}

}  // namespace convlab
