// The one place xtensor is included. Every tensor in convlab is a row-major float32 xarray.
//
// Shape legend (Keras conventions, channels last):
//   N = batch, H/W = height/width, C = input channels, F = filters, U = units, K = kernel size.
//   Images are NHWC; a Conv2D kernel is (kh, kw, C, F); a Dense kernel is (in, U).
// Shapes passed between layers at build time leave out the batch dimension (as Keras's
// input_shape does): a 28x28 grey image is {28, 28, 1}.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>
#include <xtensor/xarray.hpp>

namespace convlab {

using Tensor = xt::xarray<float>;
using Shape = std::vector<std::size_t>;

inline std::size_t shape_size(const Shape& s) {
  std::size_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

// Shape with a leading batch dimension.
inline Shape batched(std::size_t n, const Shape& s) {
  Shape out{n};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Resizes only when the shape changes, so steady-state training steps do not allocate.
inline void ensure_shape(Tensor& t, const Shape& s) {
  if (!std::equal(t.shape().begin(), t.shape().end(), s.begin(), s.end())) t.resize(s);
}
// The same for a braced shape, {n, h, w, c}: compared in place, so a call that changes nothing
// does not even build a Shape (a heap vector).
inline void ensure_shape(Tensor& t, std::initializer_list<std::size_t> s) {
  if (!std::equal(t.shape().begin(), t.shape().end(), s.begin(), s.end())) t.resize(Shape(s));
}

// ensure_shape(t, like's shape) without building a Shape when nothing changes.
inline void ensure_shape_of(Tensor& t, const Tensor& like) {
  if (!std::equal(t.shape().begin(), t.shape().end(), like.shape().begin(), like.shape().end()))
    t.resize(like.shape());
}

// ensure_shape(t, batched(n, sample)) without building the Shape when nothing changes.
inline void ensure_batched(Tensor& t, std::size_t n, const Shape& sample) {
  const auto& shape = t.shape();
  if (shape.size() != sample.size() + 1 || shape[0] != n ||
      !std::equal(sample.begin(), sample.end(), shape.begin() + 1))
    t.resize(batched(n, sample));
}

// "(None, 26, 26, 32)" as Keras prints an output shape.
inline std::string keras_shape(const Shape& s) {
  std::string out = "(None";
  for (auto d : s) out += ", " + std::to_string(d);
  return out + ")";
}

// "(32, 28, 28, 1)": a batch's full shape, for error messages.
inline std::string shape_string(const Tensor& t) {
  std::string out = "(";
  for (std::size_t i = 0; i < t.dimension(); ++i)
    out += (i ? ", " : "") + std::to_string(t.shape()[i]);
  return out + ")";
}

// "3x3": a window size, for error messages.
inline std::string size_2d(int h, int w) {
  return std::to_string(h) + "x" + std::to_string(w);
}

}  // namespace convlab
