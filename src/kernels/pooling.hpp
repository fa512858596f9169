// Max pooling over NHWC windows (Window2D with kh/kw = pool size). Padding ('same') pixels
// count as -infinity, as in TensorFlow, so they are never the maximum.
//   x (N, H, W, C) -> y (N, OH, OW, C); argmax (N, OH, OW, C) holds, per output, the flat
//   index into x of the winning input (the first one on ties), for the backward pass.
#pragma once

#include <cstdint>

#include "kernels/geometry.hpp"

namespace convlab {

void max_pool_forward(const Window2D& g, const float* x, float* y, int32_t* argmax);

// Overwrites dx (N, H, W, C): each dy goes to its window's winner.
void max_pool_backward(const Window2D& g, const float* dy, const int32_t* argmax, float* dx);
// Reference: clears dx, then adds each dy into its winner, output by output.
void max_pool_backward_naive(const Window2D& g, const float* dy, const int32_t* argmax, float* dx);

// y as max_pool_forward computes it (same walk, same winner rule), without the argmax: for
// inference, where no backward pass will need it.
void max_pool_forward_values(const Window2D& g, const float* x, float* y);

// Reference: recomputes every window from scratch, no argmax shortcuts.
void max_pool_forward_naive(const Window2D& g, const float* x, float* y);

}  // namespace convlab
