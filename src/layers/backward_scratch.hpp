#pragma once
// Buffers a layer's backward pass needs only while it runs (dL/dz before the activation, a
// padded dL/dx, dL/dcols, the kernel gradient's transforms and partial sums): one of each per
// thread, shared by every layer, since a model runs one layer's backward at a time and each
// pass overwrites what it reads. Held per layer they cost seed 004's six convolutions ~80 MB at
// batch 64 (CIFAR-10 in the page: issue 14's 700 MB).
#include <array>
#include <cstddef>
#include <vector>

namespace convlab {

enum class BackwardBuffer { dz, dx_padded, dcols, kernel_gradient, partial_sums, count };

// At least `floats` floats of the thread's buffer `which` (grown, never shrunk; contents left
// from the last user).
inline float* backward_scratch(BackwardBuffer which, std::size_t floats) {
  thread_local std::array<std::vector<float>, std::size_t(BackwardBuffer::count)> buffers;
  auto& b = buffers[std::size_t(which)];
  if (b.size() < floats) b.resize(floats);
  return b.data();
}

}  // namespace convlab
