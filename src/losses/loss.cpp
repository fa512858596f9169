#include "losses/loss.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/format.hpp"

namespace convlab {

namespace {

// Keras's backend epsilon, in float32 as Keras clips (1 - 1e-7 rounds to 0.99999988f).
constexpr float kEpsilon = 1e-7f;
constexpr float kOneMinusEpsilon = 1.0f - kEpsilon;

void check_predictions(const Tensor& y_pred) {
  if (y_pred.dimension() != 2)
    throw Error("loss: predictions must be (batch, classes), got " +
                std::to_string(y_pred.dimension()) + " axes");
}

// The class index a sparse label names; throws unless it is an integer in [0, classes).
std::size_t sparse_label(const float* y_true, std::size_t index, std::size_t classes) {
  const float v = y_true[index];
  if (!std::isfinite(v) || v != std::floor(v))
    throw Error("labels: label " + format_number(v) + " at index " + std::to_string(index) +
                " is not an integer class index");
  if (v < 0.0f || v >= float(classes))
    throw Error("labels: label " + format_number(v) + " at index " + std::to_string(index) +
                " is outside [0, " + std::to_string(classes) + ")");
  return std::size_t(v);
}

std::size_t argmax(const float* row, std::size_t n) {
  std::size_t best = 0;
  for (std::size_t c = 1; c < n; ++c)
    if (row[c] > row[best]) best = c;  // strict: the first of equal maxima wins, as tf.argmax
  return best;
}

}  // namespace

LossKind loss_from_name(const std::string& name) {
  if (name == "sparse_categorical_crossentropy" || name == "SparseCategoricalCrossentropy")
    return LossKind::sparse_categorical_crossentropy;
  if (name == "categorical_crossentropy" || name == "CategoricalCrossentropy")
    return LossKind::categorical_crossentropy;
  if (name == "binary_crossentropy" || name == "BinaryCrossentropy")
    return LossKind::binary_crossentropy;
  throw Error("loss: unknown loss '" + name +
              "' (expected sparse_categorical_crossentropy, categorical_crossentropy or "
              "binary_crossentropy)");
}

const char* loss_name(LossKind kind) {
  switch (kind) {
    case LossKind::sparse_categorical_crossentropy: return "sparse_categorical_crossentropy";
    case LossKind::categorical_crossentropy: return "categorical_crossentropy";
    case LossKind::binary_crossentropy: return "binary_crossentropy";
  }
  return "sparse_categorical_crossentropy";
}

namespace {

// dL/dp = (-t / p + (1 - t) / (1 - p)) / (N C) inside the clip range, 0 where the clip is flat.
double binary_forward_backward(const Tensor& y_pred, const float* y_true, Tensor* grad) {
  const std::size_t n = y_pred.shape()[0], k = y_pred.shape()[1];
  for (std::size_t i = 0; i < n * k; ++i)
    if (!(y_true[i] >= 0.0f && y_true[i] <= 1.0f))
      throw Error("labels: binary_crossentropy target " + format_number(y_true[i]) + " at index " +
                  std::to_string(i) + " is outside [0, 1]");
  if (grad) ensure_shape(*grad, {n, k});
  const double lo = kEpsilon, hi = kOneMinusEpsilon, scale = 1.0 / (double(n) * double(k));
  double total = 0.0;
  for (std::size_t i = 0; i < n * k; ++i) {
    const double p = y_pred.data()[i], t = y_true[i];
    const double q = std::min(std::max(p, lo), hi);
    total -= t * std::log(q) + (1.0 - t) * std::log(1.0 - q);
    if (grad)
      grad->data()[i] = p >= lo && p <= hi ? float((-t / q + (1.0 - t) / (1.0 - q)) * scale) : 0.0f;
  }
  return n > 0 ? total * scale : 0.0;
}

}  // namespace

// Per row, with s = sum(p), q = p / s and qc = clip(q, eps, 1 - eps):
//   L = -(1/N) sum_c t_c log(qc_c)
//   dL/dq_c = -t_c / (N q_c) where q_c is inside the clip range, else 0 (the clip is flat)
//   dL/dp_j = sum_c dL/dq_c (delta_cj - q_c) / s = (dL/dq_j - sum_c dL/dq_c q_c) / s
// the exact derivative of what Keras computes, so finite differences agree with it.
double loss_forward_backward(LossKind kind, const Tensor& y_pred, const float* y_true,
                             Tensor* grad) {
  check_predictions(y_pred);
  if (kind == LossKind::binary_crossentropy) return binary_forward_backward(y_pred, y_true, grad);
  const std::size_t n = y_pred.shape()[0], classes = y_pred.shape()[1];
  const bool sparse = kind == LossKind::sparse_categorical_crossentropy;
  if (sparse)  // validate every label before writing anything
    for (std::size_t r = 0; r < n; ++r) sparse_label(y_true, r, classes);
  if (grad) ensure_shape(*grad, {n, classes});

  const double lo = kEpsilon, hi = kOneMinusEpsilon;
  double total = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    const float* p = y_pred.data() + r * classes;
    const std::size_t label = sparse ? std::size_t(y_true[r]) : 0;
    auto target = [&](std::size_t c) -> double {
      return sparse ? (c == label ? 1.0 : 0.0) : double(y_true[r * classes + c]);
    };
    double s = 0.0;
    for (std::size_t c = 0; c < classes; ++c) s += p[c];
    double row_loss = 0.0, dot = 0.0;  // dot = sum_c dL/dq_c q_c
    for (std::size_t c = 0; c < classes; ++c) {
      const double t = target(c);
      if (t == 0.0) continue;
      const double q = p[c] / s;
      row_loss -= t * std::log(std::min(std::max(q, lo), hi));
      if (q >= lo && q <= hi) dot -= t / double(n);  // (-t / (N q)) * q
    }
    total += row_loss;
    if (!grad) continue;
    float* g = grad->data() + r * classes;
    for (std::size_t c = 0; c < classes; ++c) {
      const double t = target(c);
      const double q = p[c] / s;
      const double dq = (t != 0.0 && q >= lo && q <= hi) ? -t / (double(n) * q) : 0.0;
      g[c] = float((dq - dot) / s);
    }
  }
  return n > 0 ? total / double(n) : 0.0;
}

double count_correct(LossKind kind, const Tensor& y_pred, const float* y_true) {
  check_predictions(y_pred);
  const std::size_t n = y_pred.shape()[0], classes = y_pred.shape()[1];
  if (kind == LossKind::binary_crossentropy) {
    double correct = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
      std::size_t right = 0;
      for (std::size_t c = 0; c < classes; ++c)
        right += float(y_pred.data()[r * classes + c] > 0.5f) == y_true[r * classes + c];
      correct += double(right) / double(classes);
    }
    return correct;
  }
  std::size_t correct = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t predicted = argmax(y_pred.data() + r * classes, classes);
    if (kind == LossKind::sparse_categorical_crossentropy) {
      // Keras compares the float label with the argmax: a non-integer label never matches.
      if (y_true[r] == float(predicted)) ++correct;
    } else if (argmax(y_true + r * classes, classes) == predicted) {
      ++correct;
    }
  }
  return double(correct);
}

}  // namespace convlab
