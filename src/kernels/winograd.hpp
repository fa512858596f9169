// Winograd minimal filtering F(4x4, 3x3) for 3x3 convolutions at stride 1, NHWC (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016; the transforms of their F(4x4, 3x3)
// with points 0, +-1, +-2).
//
// Each 4x4 block ("tile") of outputs comes from a 6x6 block of input:
//   V = B^T d B      the input block, transformed channel by channel (additions and shifts),
//   M = V . U        36 independent gemms, (tiles, C) . (C, F), one per point of the 6x6 grid,
//                    with U = G g G^T the transformed kernel,
//   Y = A^T M A      back to the 4x4 outputs, bias and ReLU added there.
// 36 multiply-adds per 16 outputs and channel pair, where the direct convolution does 144.
//
// The same routine computes a convolution's input gradient: dL/dx is a 'full' convolution of
// dL/dy with the kernel turned 180 degrees and C, F swapped (winograd_kernel_transform's
// for_input_gradient), reading dL/dy from 2 - pad pixels before its start.
#pragma once

#include <cstddef>

#include "kernels/gemm.hpp"
#include "kernels/geometry.hpp"

namespace convlab {

struct WinogradShape {
  int N, H, W, C;         // input (N, H, W, C)
  int pad_top, pad_left;  // zero pixels before the input's first row, first column
  int OH, OW, F;          // output (N, OH, OW, F); input pixels past the end read as zero
};

// A convolution g with F filters: its forward pass, and its input gradient (dL/dy (N, OH, OW, F)
// in, dL/dx (N, H, W, C) out, the windows reaching 2 - pad pixels before dL/dy's start).
inline WinogradShape winograd_forward_shape(const Window2D& g, int F) {
  return {g.N, g.H, g.W, g.C, g.pad_top, g.pad_left, g.OH, g.OW, F};
}
inline WinogradShape winograd_input_gradient_shape(const Window2D& g, int F) {
  return {g.N, g.OH, g.OW, F, 2 - g.pad_top, 2 - g.pad_left, g.H, g.W, g.C};
}

// True for the convolutions winograd_conv computes: 3x3 kernels at stride 1, with enough input
// channels for its gemms to be worth it (a first layer's C = 1 is not).
bool winograd_applies(int kh, int kw, int stride_h, int stride_w, int C);

// The kernel (3, 3, C, F) transformed: u (36, C, F) for the forward pass, or (36, F, C) with
// for_input_gradient (the kernel turned 180 degrees, its channels swapped).
std::size_t winograd_kernel_floats(int C, int F);
void winograd_kernel_transform(const float* kernel, int C, int F, bool for_input_gradient,
                               float* u);

// Floats of scratch winograd_conv needs for s's channel counts (every thread's share).
std::size_t winograd_workspace_floats(const WinogradShape& s);

// y (N, OH, OW, F) = relu?(conv(x, kernel) + bias) (the epilogue's parts as given), the kernel
// given as u (36, C, F). The result does not depend on the number of threads.
void winograd_conv(const WinogradShape& s, const float* x, const float* u, float* y,
                   const GemmEpilogue& epilogue, float* workspace);

// dkernel (3, 3, C, F) = the kernel gradient of convolution s from its input x (N, H, W, C) and
// dL/dy (N, OH, OW, F): dW = G^T [sum over tiles of (A dY A^T) . (B^T x B)] G, the forward
// pass's transforms transposed (the sum over a tile's 16 outputs done by 36 products), as 36
// gemms (C, tiles) . (tiles, F). The workspace holds the whole batch's transforms: its size
// depends on N.
std::size_t winograd_kernel_gradient_floats(const WinogradShape& s);
void winograd_kernel_gradient(const WinogradShape& s, const float* x, const float* dy,
                              float* dkernel, float* workspace);

}  // namespace convlab
