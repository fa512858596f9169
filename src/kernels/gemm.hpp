// Single-precision matrix multiply on row-major matrices, BLAS-style:
//   C(M, N) = op(A)(M, K) * op(B)(K, N)            (accumulate = false)
//   C(M, N) += op(A)(M, K) * op(B)(K, N)           (accumulate = true)
// op(A) = A, or A^T when trans_a (then A is stored K x M). Same for B.
// lda/ldb/ldc are the row strides of the matrices as stored.
// Convolution and Dense use it three ways: forward (NN), weight gradient (TN), input gradient (NT).
#pragma once

namespace convlab {

// Work done on C's tiles while they are still in registers, after the last K block:
//   C = relu?( [C +] op(A) op(B) + bias )      (bias: N values, one per column, or nullptr)
// so a layer's forward pass needs no separate sweeps over its output for bias and ReLU.
struct GemmEpilogue {
  const float* bias = nullptr;
  bool relu = false;
};

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate, const GemmEpilogue& epilogue = {});

// Plain triple loop with the same contract (the epilogue applied as separate sweeps), kept as
// the reference the fast kernel is tested against.
void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float* C, int ldc, bool accumulate,
                const GemmEpilogue& epilogue = {});

}  // namespace convlab
