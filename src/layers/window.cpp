#include "layers/window.hpp"

#include "core/error.hpp"

namespace convlab {

Window2D window_geometry(const std::string& who, const Shape& input_shape, const WindowSpec& s) {
  // The window arithmetic is in int: sizes past that range are refused here, not wrapped.
  if (input_shape.size() != 3 || shape_size(input_shape) == 0 ||
      double(input_shape[0]) * double(input_shape[1]) * double(input_shape[2]) > 2147483647.0)
    throw Error(who + " expects input (None, height, width, channels) but got " +
                keras_shape(input_shape));
  const Window1D wy = window_1d(int(input_shape[0]), s.kh, s.stride_h, s.padding);
  const Window1D wx = window_1d(int(input_shape[1]), s.kw, s.stride_w, s.padding);
  const std::string layer = who.substr(0, who.find(':'));
  if (wy.out <= 0 || wx.out <= 0)
    throw Error(layer + ": " + s.window + " " + size_2d(s.kh, s.kw) + " does not fit input " +
                keras_shape(input_shape) + " with padding='valid' (the output would be " +
                std::to_string(wy.out) + "x" + std::to_string(wx.out) + ")");
  Window2D g{};
  g.H = int(input_shape[0]), g.W = int(input_shape[1]), g.C = int(input_shape[2]);
  g.kh = s.kh, g.kw = s.kw;
  g.stride_h = s.stride_h, g.stride_w = s.stride_w;
  g.pad_top = wy.pad_before, g.pad_left = wx.pad_before;
  g.OH = wy.out, g.OW = wx.out;
  return g;
}

void check_window_batch(const std::string& name, const char* class_name, Window2D& g,
                        const Tensor& x) {
  if (x.dimension() != 4 || int(x.shape()[1]) != g.H || int(x.shape()[2]) != g.W ||
      int(x.shape()[3]) != g.C)
    throw Error(name + ": " + class_name + " was built for input " +
                keras_shape({std::size_t(g.H), std::size_t(g.W), std::size_t(g.C)}) +
                " but got a batch of shape " + shape_string(x));
  g.N = int(x.shape()[0]);
}

const char* padding_name(Padding padding) {
  return padding == Padding::same ? "same" : "valid";
}

void check_window_args(const std::string& who, const WindowSpec& s, bool zero_stride_ok) {
  const std::string size = std::string(s.window) == "kernel" ? "kernel_size" : "pool_size";
  if (s.kh <= 0 || s.kw <= 0)
    throw Error(who + " " + size + " must be positive, got " + size_2d(s.kh, s.kw));
  if (s.stride_h < 0 || s.stride_w < 0 || (!zero_stride_ok && (s.stride_h == 0 || s.stride_w == 0)))
    throw Error(who + " strides must be positive" +
                std::string(zero_stride_ok ? " (or 0 for the pool size)" : "") + ", got " +
                size_2d(s.stride_h, s.stride_w));
}

void add_window_config(Json& c, const WindowSpec& s) {
  if (std::string(s.window) == "pool") {
    c["pool_size"] = {s.kh, s.kw};
    c["padding"] = padding_name(s.padding);
    c["strides"] = {s.stride_h, s.stride_w};
    c["data_format"] = "channels_last";
  } else {
    c["kernel_size"] = {s.kh, s.kw};
    c["strides"] = {s.stride_h, s.stride_w};
    c["padding"] = padding_name(s.padding);
    c["data_format"] = "channels_last";
    c["dilation_rate"] = {1, 1};
  }
}

WindowSpec pool_window(const std::string& who, int pool_h, int pool_w, int stride_h, int stride_w,
                       Padding padding) {
  check_window_args(who, {"pool", pool_h, pool_w, stride_h, stride_w, padding}, true);
  return {
      "pool", pool_h, pool_w, stride_h == 0 ? pool_h : stride_h, stride_w == 0 ? pool_w : stride_w,
      padding};
}

}  // namespace convlab
