// Direct kernels for a convolution over one input channel (a first layer on grey images). Its
// gemms are thin (K = kh * kw = 9 taps forward, M = 9 rows for the kernel gradient), where the
// general gemm spends its time on blocking, segment loops (a kernel row is 3 floats) and, for the
// kernel gradient, on packing x nine times over into 4-row panels of which a quarter is padding.
// These walk the taps directly; the kernel gradient also applies the ReLU mask to dL/dy as it
// reads it and sums the bias gradient on the way, so dz is never written out when the input
// gradient is not needed (a first layer's never is).
//   s: x with its padding, as window_rows gives it (seg_len = kw, seg_stride = one image row);
//   kernel / dkernel: (kh, kw, 1, F) read as (kh * kw, F); y, dy: (rows, F); F a multiple of 8.
#pragma once

#include <cstddef>

#include "kernels/gemm.hpp"

namespace convlab {

bool one_channel_conv_applies(int C, int F, int kh, int kw);

// y (rows, F) = relu?(windows . kernel + bias): the same float operations, in the same order, as
// gemm over the windows (window_rows) with the epilogue, so the results are bit-identical.
void one_channel_conv(const SlidingRows& s, int rows, int kh, int kw, int F, const float* kernel,
                      const GemmEpilogue& epilogue, float* y);

// Floats of workspace one_channel_conv_gradients needs for `rows` output pixels (rows = N*OH*OW).
std::size_t one_channel_gradients_floats(int rows, int kh, int kw, int F);

// dkernel (kh * kw, F) = windows^T . dz and, when dbias is not null, dbias (F) = column sums of
// dz, where dz = (y > 0 ? dy : 0) when y is given (ReLU), else dz = dy. dkernel's sums run in
// gemm's order (the same fixed pieces and K blocks), so it is bit-identical to the gemm's; the
// bias sums are summed per block and piece in that order too (column_sums sums row by row).
// Threads take whole pieces: any thread count gives bit-identical results.
void one_channel_conv_gradients(const SlidingRows& s, int rows, int kh, int kw, int F,
                                const float* y, const float* dy, float* dkernel, float* dbias,
                                float* work);

}  // namespace convlab
