// Losses and the accuracy metric on probability outputs (a softmax layer's output), as Keras
// computes them with from_logits=False: each row is divided by its sum, clipped to
// [1e-7, 1 - 1e-7], and the loss is the batch mean of -sum(y_true * log(y_pred)).
//   y_pred (N, C). Targets: sparse = N class indices stored as floats; categorical = (N, C).
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace convlab {

enum class LossKind { sparse_categorical_crossentropy, categorical_crossentropy };

// Throws Error("loss: unknown loss '<name>' (expected ...)").
LossKind loss_from_name(const std::string& name);
const char* loss_name(LossKind kind);

// Returns the mean loss over the batch and, when grad is not null, writes dLoss/dy_pred (N, C)
// into it (resized as needed), the 1/N of the mean included. Throws Error when a sparse label
// is not an integer in [0, C).
double loss_forward_backward(LossKind kind, const Tensor& y_pred, const float* y_true,
                             Tensor* grad);

// Number of rows whose argmax (first on ties) equals the label (sparse) or the argmax of the
// one-hot row (categorical): Keras's sparse_categorical_accuracy / categorical_accuracy.
std::size_t count_correct(LossKind kind, const Tensor& y_pred, const float* y_true);

}  // namespace convlab
