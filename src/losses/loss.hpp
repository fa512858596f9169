// Losses and the accuracy metric on probability outputs (a softmax layer's output), as Keras
// computes them with from_logits=False: each row is divided by its sum, clipped to
// [1e-7, 1 - 1e-7], and the loss is the batch mean of -sum(y_true * log(y_pred)).
//   y_pred (N, C). Targets: sparse = N class indices stored as floats; categorical = (N, C).
// binary_crossentropy (sigmoid outputs, usually C = 1): p clipped to [1e-7, 1 - 1e-7] (Keras 3),
// L = batch mean of the mean over C of -(t log p + (1 - t) log(1 - p)); targets (N, C) in [0, 1].
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace convlab {

enum class LossKind {
  sparse_categorical_crossentropy,
  categorical_crossentropy,
  binary_crossentropy
};

// Throws Error("loss: unknown loss '<name>' (expected ...)").
LossKind loss_from_name(const std::string& name);
const char* loss_name(LossKind kind);

// Returns the mean loss over the batch and, when grad is not null, writes dLoss/dy_pred (N, C)
// into it (resized as needed), the 1/N of the mean included. Throws Error when a sparse label
// is not an integer in [0, C).
double loss_forward_backward(LossKind kind, const Tensor& y_pred, const float* y_true,
                             Tensor* grad);

// Number of rows whose argmax (first on ties) equals the label (sparse) or the argmax of the
// one-hot row (categorical): Keras's sparse_categorical_accuracy / categorical_accuracy. For
// binary_crossentropy, Keras's binary_accuracy: (p > 0.5) == t per entry, averaged over a row
// (so a row counts 1 when C = 1 and it is right).
double count_correct(LossKind kind, const Tensor& y_pred, const float* y_true);

}  // namespace convlab
