// A small pool for the kernels' data parallelism: the calling thread plus up to kMaxThreads - 1
// helper threads, created on first use and kept for the life of the process (no thread is created
// per call).
//
//   parallel_for(n_chunks, [&](int chunk) { ... });   // runs chunk 0 .. n_chunks-1, then returns
//
// Chunks are claimed dynamically by whichever thread is free, so callers must make each chunk's
// result independent of the thread that runs it (the kernels split along output rows/columns, or
// into fixed pieces summed in piece order, so any thread count gives bit-identical results). A
// chunk must not throw.
//
// Built without threads (the default wasm build: no -pthread; or native with
// CONVLAB_THREADS=OFF) this is a plain loop and the pool code is compiled out. Threads exist when
// the compiler provides them: __EMSCRIPTEN_PTHREADS__ under emcc -pthread, CONVLAB_NATIVE_THREADS
// for native builds.
#pragma once

#include <type_traits>

#if defined(__EMSCRIPTEN_PTHREADS__) || defined(CONVLAB_NATIVE_THREADS)
#define CONVLAB_HAS_THREADS 1
#else
#define CONVLAB_HAS_THREADS 0
#endif

namespace convlab {

// Threads the build can use at most: 8 with threads compiled in (beyond that these models' kernels
// have too little work per chunk; per-thread scratch is sized for it), else 1.
constexpr int max_threads() {
  return CONVLAB_HAS_THREADS ? 8 : 1;
}

// The cores the host reports (std::thread::hardware_concurrency), capped at max_threads(); 1 in
// wasm, where the JS sets the count after preloading a Worker per helper.
int default_threads();

// Threads parallel_for uses now (1 .. max_threads(); starts at default_threads()). Setting 1 makes
// every parallel_for a plain loop on the caller (tests compare counts; the bench measures them).
// In wasm each helper needs a preloaded Worker: the JS sets the count it preloaded for.
int num_threads();
void set_num_threads(int n);

// Work (as chunks_for counts it) below which chunks_for keeps a kernel on one thread; 32768 by
// default. Tests set 0 so that even their tiny tensors are split between the threads.
// (GEMM decides its own split: src/kernels/gemm.cpp.)
constexpr long kDefaultMinParallelWork = 32768;
long min_parallel_work();
void set_min_parallel_work(long work);

// Which thread runs the current chunk: 0 for a caller of parallel_for, 1 .. max_threads() - 1 for
// the pool's helpers.
// Kernels index per-thread scratch with it, so a thread reuses its own (cache-warm) buffer
// whichever chunks it claims.
int worker_index();

// How many jobs the helper pool has run since the process started (parallel_for calls that were
// actually shared between threads): lets tests check that the threaded paths ran at all.
long pool_jobs();

namespace detail {
using ChunkFn = void (*)(void* ctx, int chunk);
void parallel_for(int n_chunks, ChunkFn fn, void* ctx);
}  // namespace detail

template <typename F>
void parallel_for(int n_chunks, F&& f) {
  if (n_chunks <= 0) return;
#if CONVLAB_HAS_THREADS
  if (n_chunks > 1) {
    using Fn = std::remove_reference_t<F>;
    detail::parallel_for(
        n_chunks, [](void* ctx, int chunk) { (*static_cast<Fn*>(ctx))(chunk); },
        const_cast<void*>(static_cast<const void*>(&f)));
    return;
  }
#endif
  for (int i = 0; i < n_chunks; ++i) f(i);
}

// How many chunks to cut `work` (elements touched, or multiply-adds) of `units` indivisible parts
// into: 1 below a few microseconds of work, where waking the helper would cost more than it
// saves, and always 1 without threads compiled in. Else a few chunks per thread, claimed
// dynamically, so a thread that starts late (a futex wake-up) or is preempted on a busy machine
// holds up at most one small chunk while the other takes the rest.
constexpr int kChunksPerThread = 4;
inline int chunks_for(long work, long units) {
  if (max_threads() == 1) return 1;
  const int threads = num_threads();
  if (threads == 1 || work < min_parallel_work()) return 1;
  const long chunks = kChunksPerThread * threads;
  return int(units < chunks ? (units < 1 ? 1 : units) : chunks);
}

// [begin, end) of chunk `chunk` when n items are cut into `chunks` near-equal parts whose
// boundaries fall on multiples of `align` (the last part takes the remainder).
struct Range {
  int begin, end;
};
inline Range chunk_range(int n, int chunks, int chunk, int align = 1) {
  const int units = (n + align - 1) / align;
  auto edge = [&](int c) {
    const int u = int((long long)units * c / chunks);
    return u * align < n ? u * align : n;
  };
  return {edge(chunk), edge(chunk + 1)};
}

}  // namespace convlab
