// Small vectorised sweeps the layers share. Each does exactly the float operations of its plain
// loop, in the same order per output element (lanes run across independent outputs), so the
// results are bit-identical to the references kept beside them.
#pragma once

#include <cstddef>
#include <xsimd/xsimd.hpp>

namespace convlab {

// out[c] = sum over r of x[r * cols + c], summed in row order (a bias gradient).
void column_sums(const float* x, std::size_t rows, std::size_t cols, float* out);
void column_sums_naive(const float* x, std::size_t rows, std::size_t cols, float* out);

// dst[i] += src[i].
void add_to(float* dst, const float* src, std::size_t n);

// dst[i] = src[i], inline and without a libc call: im2col's runs can be 1-3 floats long
// (one-channel input), where a memcpy call costs more than the copy.
inline void copy_short(float* dst, const float* src, std::size_t n) {
  std::size_t i = 0;
  using batch = xsimd::batch<float>;
  for (; i + batch::size <= n; i += batch::size)
    batch::load_unaligned(src + i).store_unaligned(dst + i);
  static_assert(batch::size == 4 || batch::size == 8 || batch::size == 16, "tail below");
  for (; i + 4 <= n; i += 4) {  // wider (AVX) builds: whole 4s left over
    float a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
    dst[i] = a, dst[i + 1] = b, dst[i + 2] = c, dst[i + 3] = d;
  }
  switch (n - i) {  // a switch, not a loop, so the compiler cannot turn it back into memcpy
    case 3: dst[i + 2] = src[i + 2]; [[fallthrough]];
    case 2: dst[i + 1] = src[i + 1]; [[fallthrough]];
    case 1: dst[i] = src[i];
  }
}

// ReLU: y = max(y, 0) in place; dx = (y > 0) ? dy : 0 (dx may alias dy). NaN stays NaN as with
// std::max(y, 0.0f).
void relu_forward(float* y, std::size_t n);
void relu_backward(const float* y, const float* dy, float* dx, std::size_t n);

}  // namespace convlab
