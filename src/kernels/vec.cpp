#include "kernels/vec.hpp"

#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "core/thread_pool.hpp"
#include "kernels/simd.hpp"

namespace convlab {

namespace {
using simd::batch;
using simd::W;
}  // namespace

void column_sums_naive(const float* x, std::size_t rows, std::size_t cols, float* out) {
  std::fill(out, out + cols, 0.0f);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[c] += x[r * cols + c];
}

namespace {

// Columns c_begin .. c_end - 1 of column_sums.
void column_sums_range(const float* x, std::size_t rows, std::size_t cols, float* out,
                       std::size_t c_begin, std::size_t c_end) {
  std::size_t c = c_begin;
  for (; c + 4 * W <= c_end; c += 4 * W) {
    batch s0(0.0f), s1(0.0f), s2(0.0f), s3(0.0f);
    for (const float *p = x + c, *end = x + rows * cols + c; p != end; p += cols) {
      s0 += batch::load_unaligned(p);
      s1 += batch::load_unaligned(p + W);
      s2 += batch::load_unaligned(p + 2 * W);
      s3 += batch::load_unaligned(p + 3 * W);
    }
    s0.store_unaligned(out + c), s1.store_unaligned(out + c + W);
    s2.store_unaligned(out + c + 2 * W), s3.store_unaligned(out + c + 3 * W);
  }
  for (; c + W <= c_end; c += W) {
    batch s(0.0f);
    for (std::size_t r = 0; r < rows; ++r) s += batch::load_unaligned(x + r * cols + c);
    s.store_unaligned(out + c);
  }
  for (; c < c_end; ++c) {
    float s = 0.0f;
    for (std::size_t r = 0; r < rows; ++r) s += x[r * cols + c];
    out[c] = s;
  }
}

void relu_backward_range(const float* y, const float* dy, float* dx, std::size_t i, std::size_t n) {
  const batch zero(0.0f);
  for (; i + W <= n; i += W)
    xsimd::select(batch::load_unaligned(y + i) > zero, batch::load_unaligned(dy + i), zero)
        .store_unaligned(dx + i);
  for (; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

}  // namespace

// Columns in chunks of 4 batches kept in registers down all rows; the remainder column by column.
// Threads take separate columns (cut on 4-batch boundaries), each summed in row order as before.
void column_sums(const float* x, std::size_t rows, std::size_t cols, float* out) {
  const int chunks = chunks_for(long(rows * cols), long(cols / (4 * W)));
  if (chunks <= 1) return column_sums_range(x, rows, cols, out, 0, cols);
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(int(cols), chunks, chunk, int(4 * W));
    column_sums_range(x, rows, cols, out, std::size_t(r.begin), std::size_t(r.end));
  });
}

void add_to(float* dst, const float* src, std::size_t n) {
  std::size_t i = 0;
  for (; i + W <= n; i += W)
    (batch::load_unaligned(dst + i) + batch::load_unaligned(src + i)).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] += src[i];
}

void relu_forward(float* y, std::size_t n) {
  const batch zero(0.0f);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    const batch v = batch::load_unaligned(y + i);
    xsimd::select(v < zero, zero, v).store_unaligned(y + i);
  }
  for (; i < n; ++i) y[i] = std::max(y[i], 0.0f);
}

void relu_backward(const float* y, const float* dy, float* dx, std::size_t n) {
  const int chunks = chunks_for(long(n), long((n + W - 1) / W));
  parallel_for(chunks, [&](int chunk) {
    const Range r = chunk_range(int(n), chunks, chunk, int(W));
    relu_backward_range(y, dy, dx, std::size_t(r.begin), std::size_t(r.end));
  });
}

}  // namespace convlab
