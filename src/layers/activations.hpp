// Keras activations, applied in place over rows of `cols` values (softmax normalises each row:
// the last axis, as Keras does). Backward is written in terms of the OUTPUT y, which every
// layer keeps anyway, so no pre-activation buffer is needed:
//   relu' = (y > 0), sigmoid' = y(1 - y), tanh' = 1 - y^2, elu' = y + 1 (y <= 0),
//   selu' = y + scale * alpha (y <= 0), softplus' = 1 - exp(-y), softsign' = (1 - |y|)^2,
//   leaky_relu' = 0.2 (y <= 0; Keras's default negative_slope),
//   swish (silu) = x sigmoid(x) and gelu = x Phi(x) (Keras's exact, erf form) need x itself:
//   forward keeps the pre-activation values in `keep`, which backward reads as z.
//   softmax: dx = y * (dy - sum(dy * y)) per row (the Jacobian-vector product).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace convlab {

enum class ActivationFn {
  linear,
  relu,
  sigmoid,
  tanh,
  softmax,
  elu,
  selu,
  softplus,
  softsign,
  leaky_relu,
  swish,
  gelu
};

// Throws Error("<where>: unknown activation '<name>' (expected one of ...)").
ActivationFn activation_from_name(const std::string& name, const std::string& where);
const char* activation_name(ActivationFn fn);

// True for swish and gelu, whose derivative the output alone does not give.
bool activation_needs_input(ActivationFn fn);

// `keep` (grown, never shrunk, so steady steps allocate nothing) receives the values before the
// activation when activation_needs_input(fn); it may be null otherwise.
void activation_forward(ActivationFn fn, float* y, std::size_t rows, std::size_t cols,
                        std::vector<float>* keep = nullptr);

// dx may alias dy. z: what forward kept (read only when activation_needs_input(fn)).
void activation_backward(ActivationFn fn, const float* y, const float* dy, float* dx,
                         std::size_t rows, std::size_t cols, const float* z = nullptr);

}  // namespace convlab
