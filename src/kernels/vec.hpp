// Small vectorised sweeps the layers share. Each does exactly the float operations of its plain
// loop, in the same order per output element (lanes run across independent outputs), so the
// results are bit-identical to the references kept beside them.
#pragma once

#include <cstddef>

namespace convlab {

// out[c] = sum over r of x[r * cols + c], summed in row order (a bias gradient).
void column_sums(const float* x, std::size_t rows, std::size_t cols, float* out);
void column_sums_naive(const float* x, std::size_t rows, std::size_t cols, float* out);

// dst[i] += src[i].
void add_to(float* dst, const float* src, std::size_t n);

// dst[i] = src[i], without a libc call: im2col's runs can be 1-3 floats long (one-channel input),
// where a memcpy call costs more than the copy.
void copy_short(float* dst, const float* src, std::size_t n);

// ReLU: y = max(y, 0) in place; dx = (y > 0) ? dy : 0 (dx may alias dy). NaN stays NaN as with
// std::max(y, 0.0f).
void relu_forward(float* y, std::size_t n);
void relu_backward(const float* y, const float* dy, float* dx, std::size_t n);

}  // namespace convlab
