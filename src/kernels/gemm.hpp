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

// gemm on the calling thread only, for kernels that share their work between threads
// themselves (a gemm inside one of their parallel_for chunks must not start another split).
void gemm_one_thread(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                     const float* B, int ldb, float* C, int ldc, bool accumulate,
                     const GemmEpilogue& epilogue = {});

// A stored matrix S read through a sliding window over an NHWC batch, never written out: the
// im2col matrix of a convolution with no padding (pad the input first), so a convolution is
// one gemm over its input in place, and im2col's copy (the step's largest buffer) is gone.
//   row r = output pixel (n, oy, ox), r = (n * OH + oy) * OW + ox, starting at the input pixel
//           x[n, oy * stride_h, ox * stride_w, 0];
//   column k = (ky, kx, c), k = (ky * kw + kx) * C + c, read at ky * W * C + kx * C + c from
//           there: kh "segments" of kw * C contiguous floats, one per kernel row.
// S is op(A) when trans_a is false (rows = M, columns = K: a forward pass) and A^T when it is
// true (rows = K, columns = M: the kernel gradient). A row-major matrix is the case of one
// image row of "pixels" lda apart, each one segment long (SlidingRows::matrix).
struct SlidingRows {
  const float* x;
  int OH, OW;              // output pixels per image, per image row
  long image, line, step;  // floats between images, between output rows, between output pixels
  int seg_len;             // kw * C
  long seg_stride;         // W * C

  static SlidingRows matrix(const float* a, int rows, int cols, int lda);
};

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const SlidingRows& A, const float* B,
          int ldb, float* C, int ldc, bool accumulate, const GemmEpilogue& epilogue = {});

// The other way round, for a convolution's input gradient: C(M, N) = A(M, K) op(B)(K, N) is
// summed into the windows it came from, windows(i, j) += C(i, j), over images that start from
// zero (it overwrites them), without writing C out: col2im fused into the gemm's write-back. Needs
// windows.seg_len a multiple of 8 (a tile's 8 columns then stay in one kernel row) and M a whole
// number of images (OH * OW rows each).
void gemm_into_windows(int M, int N, int K, const float* A, int lda, bool trans_b, const float* B,
                       int ldb, const SlidingRows& windows);

// Plain triple loop with the same contract (the epilogue applied as separate sweeps), kept as
// the reference the fast kernel is tested against.
void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float* C, int ldc, bool accumulate,
                const GemmEpilogue& epilogue = {});

}  // namespace convlab
