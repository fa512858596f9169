// The SIMD vocabulary the kernels share (internal to kernels/): one float batch,
// its width, and ReLU. Declared once, so that every file names the same entities, also when a
// unity build compiles several of them as one translation unit.
#pragma once

#include <xsimd/xsimd.hpp>

namespace convlab::simd {

using batch = xsimd::batch<float>;
constexpr int W = int(batch::size);  // 4 on sse2/sse4.1 (and thus wasm simd128)

// ReLU as max(v, 0) with std::max's NaN behaviour (NaN stays NaN), which x86's maxps lacks.
inline batch relu(const batch& v) {
  return xsimd::select(v < batch(0.0f), batch(0.0f), v);
}

}  // namespace convlab::simd
