#include "layers/activations.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "kernels/vec.hpp"

namespace convlab {

namespace {

// Keras's SELU constants (Klambauer et al. 2017) and leaky_relu's default negative_slope.
constexpr float kSeluAlpha = 1.67326324f, kSeluScale = 1.05070098f, kLeakySlope = 0.2f;
constexpr float kSqrtHalf = 0.70710678f, kInvSqrt2Pi = 0.39894228f;  // gelu's constants

}  // namespace

ActivationFn activation_from_name(const std::string& name, const std::string& where) {
  if (name == "linear" || name.empty()) return ActivationFn::linear;
  if (name == "relu") return ActivationFn::relu;
  if (name == "sigmoid") return ActivationFn::sigmoid;
  if (name == "tanh") return ActivationFn::tanh;
  if (name == "softmax") return ActivationFn::softmax;
  if (name == "elu") return ActivationFn::elu;
  if (name == "selu") return ActivationFn::selu;
  if (name == "softplus") return ActivationFn::softplus;
  if (name == "softsign") return ActivationFn::softsign;
  if (name == "leaky_relu") return ActivationFn::leaky_relu;
  if (name == "swish" || name == "silu") return ActivationFn::swish;
  if (name == "gelu") return ActivationFn::gelu;
  throw Error(where + ": unknown activation '" + name +
              "' (expected one of relu, softmax, sigmoid, tanh, linear, elu, selu, softplus, "
              "softsign, leaky_relu, swish, silu, gelu)");
}

const char* activation_name(ActivationFn fn) {
  switch (fn) {
    case ActivationFn::linear: return "linear";
    case ActivationFn::relu: return "relu";
    case ActivationFn::sigmoid: return "sigmoid";
    case ActivationFn::tanh: return "tanh";
    case ActivationFn::softmax: return "softmax";
    case ActivationFn::elu: return "elu";
    case ActivationFn::selu: return "selu";
    case ActivationFn::softplus: return "softplus";
    case ActivationFn::softsign: return "softsign";
    case ActivationFn::leaky_relu: return "leaky_relu";
    case ActivationFn::swish: return "swish";
    case ActivationFn::gelu: return "gelu";
  }
  return "linear";
}

bool activation_needs_input(ActivationFn fn) {
  return fn == ActivationFn::swish || fn == ActivationFn::gelu;
}

void activation_forward(ActivationFn fn, float* y, std::size_t rows, std::size_t cols,
                        std::vector<float>* keep) {
  const std::size_t n = rows * cols;
  if (activation_needs_input(fn)) {
    if (!keep) throw Error(std::string(activation_name(fn)) + ": no buffer for its input");
    if (keep->size() < n) keep->resize(n);
    std::copy(y, y + n, keep->data());
  }
  switch (fn) {
    case ActivationFn::linear: return;
    case ActivationFn::relu: return relu_forward(y, n);
    case ActivationFn::sigmoid:
      for (std::size_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-y[i]));
      return;
    case ActivationFn::tanh:
      for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(y[i]);
      return;
    case ActivationFn::elu:
      for (std::size_t i = 0; i < n; ++i) y[i] = y[i] > 0.0f ? y[i] : std::expm1(y[i]);
      return;
    case ActivationFn::selu:
      for (std::size_t i = 0; i < n; ++i)
        y[i] = kSeluScale * (y[i] > 0.0f ? y[i] : kSeluAlpha * std::expm1(y[i]));
      return;
    case ActivationFn::softplus:  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)
      for (std::size_t i = 0; i < n; ++i)
        y[i] = std::max(y[i], 0.0f) + std::log1p(std::exp(-std::fabs(y[i])));
      return;
    case ActivationFn::softsign:
      for (std::size_t i = 0; i < n; ++i) y[i] = y[i] / (1.0f + std::fabs(y[i]));
      return;
    case ActivationFn::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) y[i] = y[i] > 0.0f ? y[i] : kLeakySlope * y[i];
      return;
    case ActivationFn::swish:
      for (std::size_t i = 0; i < n; ++i) y[i] = y[i] / (1.0f + std::exp(-y[i]));
      return;
    case ActivationFn::gelu:
      for (std::size_t i = 0; i < n; ++i) y[i] = 0.5f * y[i] * (1.0f + std::erf(y[i] * kSqrtHalf));
      return;
    case ActivationFn::softmax:
      for (std::size_t r = 0; r < rows; ++r) {
        float* row = y + r * cols;
        const float max = *std::max_element(row, row + cols);  // shift for stability
        float sum = 0.0f;
        for (std::size_t c = 0; c < cols; ++c) sum += row[c] = std::exp(row[c] - max);
        for (std::size_t c = 0; c < cols; ++c) row[c] /= sum;
      }
      return;
  }
}

void activation_backward(ActivationFn fn, const float* y, const float* dy, float* dx,
                         std::size_t rows, std::size_t cols, const float* z) {
  const std::size_t n = rows * cols;
  if (activation_needs_input(fn) && !z)
    throw Error(std::string(activation_name(fn)) + ": backward without its input");
  switch (fn) {
    case ActivationFn::linear:
      if (dx != dy) std::copy(dy, dy + n, dx);
      return;
    case ActivationFn::relu: return relu_backward(y, dy, dx, n);
    case ActivationFn::sigmoid:
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
      return;
    case ActivationFn::tanh:
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
      return;
    case ActivationFn::elu:
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : y[i] + 1.0f);
      return;
    case ActivationFn::selu:
      for (std::size_t i = 0; i < n; ++i)
        dx[i] = dy[i] * (y[i] > 0.0f ? kSeluScale : y[i] + kSeluScale * kSeluAlpha);
      return;
    case ActivationFn::softplus:
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * -std::expm1(-y[i]);
      return;
    case ActivationFn::softsign:
      for (std::size_t i = 0; i < n; ++i) {
        const float s = 1.0f - std::fabs(y[i]);
        dx[i] = dy[i] * s * s;
      }
      return;
    case ActivationFn::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : kLeakySlope);
      return;
    case ActivationFn::swish:  // s + x s (1 - s), s = sigmoid(x)
      for (std::size_t i = 0; i < n; ++i) {
        const float s = 1.0f / (1.0f + std::exp(-z[i]));
        dx[i] = dy[i] * s * (1.0f + z[i] * (1.0f - s));
      }
      return;
    case ActivationFn::gelu:  // Phi(x) + x phi(x)
      for (std::size_t i = 0; i < n; ++i)
        dx[i] = dy[i] * (0.5f * (1.0f + std::erf(z[i] * kSqrtHalf)) +
                         z[i] * kInvSqrt2Pi * std::exp(-0.5f * z[i] * z[i]));
      return;
    case ActivationFn::softmax:
      for (std::size_t r = 0; r < rows; ++r) {
        const float* yr = y + r * cols;
        const float* dyr = dy + r * cols;
        float dot = 0.0f;
        for (std::size_t c = 0; c < cols; ++c) dot += dyr[c] * yr[c];
        float* dxr = dx + r * cols;
        for (std::size_t c = 0; c < cols; ++c) dxr[c] = yr[c] * (dyr[c] - dot);
      }
      return;
  }
}

}  // namespace convlab
