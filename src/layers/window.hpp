// What Conv2D, DepthwiseConv2D and the pooling layers share: checking an NHWC input against a
// sliding window, its TensorFlow geometry (kernels/geometry.hpp), the guard that a batch matches
// the built shape (the kernels index raw memory, so a mismatch would read out of bounds), and
// Keras's padding strings.
#pragma once

#include <string>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "kernels/geometry.hpp"

namespace convlab {

struct WindowSpec {
  const char* window;  // how messages call it: "kernel", "pool"
  int kh, kw, stride_h, stride_w;
  Padding padding;
};

// The geometry for input (H, W, C), N left 0. Throws an Error naming `who` ("conv2d: Conv2D")
// when the input is not (H, W, C) within int range, or the window does not fit it.
Window2D window_geometry(const std::string& who, const Shape& input_shape, const WindowSpec& s);

// Throws unless x is (N, H, W, C) with g's H, W, C; then sets g.N. Called every step, so the
// message ("conv2d: Conv2D was built for ...") is only put together on failure.
void check_window_batch(const std::string& name, const char* class_name, Window2D& g,
                        const Tensor& x);

const char* padding_name(Padding padding);

// Constructor checks: window sizes positive, strides positive (or 0 where `zero_ok`).
void check_window_args(const std::string& who, const WindowSpec& s, bool zero_stride_ok = false);

// The window's part of a Keras config, in Keras's key order: kernel_size, strides, padding,
// data_format, dilation_rate for a convolution; pool_size, padding, strides, data_format for a
// pooling layer.
void add_window_config(Json& c, const WindowSpec& s);

// A pooling layer's window, checked: strides 0 mean the pool size (Keras's strides=None).
WindowSpec pool_window(const std::string& who, int pool_h, int pool_w, int stride_h, int stride_w,
                       Padding padding);

}  // namespace convlab
