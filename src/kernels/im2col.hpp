// im2col / col2im for NHWC convolution.
//   x:    (N, H, W, C)
//   cols: (N*OH*OW, kh*kw*C), one row per output pixel, columns ordered (ky, kx, c) so that
//         cols * kernel, with the Keras kernel (kh, kw, C, F) read as a (kh*kw*C, F) matrix,
//         is the convolution output (N*OH*OW, F). Padding pixels are zero.
#pragma once

#include "kernels/gemm.hpp"
#include "kernels/geometry.hpp"

namespace convlab {

// The reference for window_rows: convolutions read their windows in place instead.
void im2col(const Window2D& g, const float* x, float* cols);

// The adjoint of im2col: sums every column entry back into the pixel it came from.
// Overwrites dx (N, H, W, C).
void col2im(const Window2D& g, const float* cols, float* dx);
// Images n_begin .. n_end - 1 only: one thread's share of col2im.
void col2im_images(const Window2D& g, const float* cols, float* dx, int n_begin, int n_end);

// What the windows of g reach, padding included: (OH - 1) * stride + k pixels per axis.
inline int padded_height(const Window2D& g) {
  return (g.OH - 1) * g.stride_h + g.kh;
}
inline int padded_width(const Window2D& g) {
  return (g.OW - 1) * g.stride_w + g.kw;
}
// True when the windows reach past x (padding): the input must then go through pad_images.
inline bool needs_padding(const Window2D& g) {
  return g.pad_top > 0 || g.pad_left > 0 || padded_height(g) > g.H || padded_width(g) > g.W;
}

// x (N, H, W, C), already padded (H, W may be larger than g's), as im2col's matrix for g: the
// gemm operand a convolution reads in place.
SlidingRows window_rows(const Window2D& g, const float* x, int H, int W);

// out (N, Hp, Wp, C) = x with g's padding: pixel (iy, ix) lands at (iy + pad_top, ix + pad_left),
// everything else is zero; pixels past Hp x Wp (never under a window) are left out.
void pad_images(const Window2D& g, const float* x, int Hp, int Wp, float* out);

// The inverse: x (N, H, W, C) = the interior of padded (N, Hp, Wp, C), as pad_images placed it.
void crop_images(const Window2D& g, const float* padded, int Hp, int Wp, float* x);

// Direct 7-loop convolution, the reference im2col + gemm is tested against.
// kernel (kh, kw, C, F), bias (F) or nullptr, y (N, OH, OW, F).
void conv2d_forward_naive(const Window2D& g, int F, const float* x, const float* kernel,
                          const float* bias, float* y);

}  // namespace convlab
