// Output size and padding of a sliding window, as TensorFlow computes them.
//   valid: out = floor((in - k) / stride) + 1, no padding (needs in >= k).
//   same:  out = ceil(in / stride); pad_total = max((out - 1) * stride + k - in, 0), of which
//          pad_total / 2 goes before and the rest after (the extra pixel goes bottom/right).
#pragma once

namespace convlab {

enum class Padding { valid, same };

struct Window1D {
  int out;         // output size; <= 0 when the window does not fit (valid padding)
  int pad_before;  // zero (conv) or -inf (pooling) pixels before the first input pixel
};

// 64-bit intermediates: sizes, kernels and strides are each < 2^31, but (out - 1) * stride + k
// is not (a config may ask for any of them).
inline Window1D window_1d(int in, int k, int stride, Padding padding) {
  if (padding == Padding::valid) return {in >= k ? (in - k) / stride + 1 : in - k + 1, 0};
  const long long out = (static_cast<long long>(in) + stride - 1) / stride;
  const long long pad_total = (out - 1) * stride + k - in;
  // pad_total / 2 < k, so it fits in int.
  return {int(out), pad_total > 0 ? int(pad_total / 2) : 0};
}

// One 2-D window over an NHWC batch: used by convolution (im2col) and pooling alike.
struct Window2D {
  int N, H, W, C;  // input
  int kh, kw;      // window size
  int stride_h, stride_w;
  int pad_top, pad_left;
  int OH, OW;                               // output
  int rows() const { return N * OH * OW; }  // one row per output pixel
  int patch() const { return kh * kw * C; }
};

}  // namespace convlab
