// The geometry of a square-kernel convolution or pooling window over N x H x W x C inputs, as
// the layers compute it, for the kernel tests' sweeps.
#pragma once

#include "kernels/geometry.hpp"

namespace convlab::testing {

inline Window2D make_window(int N, int H, int W, int C, int k, int stride, Padding padding) {
  const Window1D wy = window_1d(H, k, stride, padding), wx = window_1d(W, k, stride, padding);
  return {N, H, W, C, k, k, stride, stride, wy.pad_before, wx.pad_before, wy.out, wx.out};
}

}  // namespace convlab::testing
