#include "core/thread_pool.hpp"

#include <algorithm>
#include <atomic>

#if CONVLAB_HAS_THREADS
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#endif

namespace convlab {

namespace {
std::atomic<int> g_threads{max_threads()};
}  // namespace

int num_threads() {
  return g_threads.load(std::memory_order_relaxed);
}

void set_num_threads(int n) {
  g_threads.store(std::clamp(n, 1, max_threads()), std::memory_order_relaxed);
}

#if CONVLAB_HAS_THREADS
namespace detail {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// One job at a time. `state_` packs (job number << 32) | next unclaimed chunk, so a claim is a
// compare-and-swap that can only succeed for the job it was meant for: a helper still finishing
// job k cannot take a chunk of job k+1 with job k's function.
class Pool {
 public:
  ~Pool() {
    if (!helper_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    wake_.notify_one();
    helper_.join();
  }

  // False when the pool is in use (another caller thread, or a nested parallel_for from inside
  // a chunk): the caller then runs its chunks itself.
  bool run(int n, ChunkFn fn, void* ctx) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    if (!helper_.joinable()) helper_ = std::thread([this] { helper_loop(); });
    fn_ = fn, ctx_ = ctx;
    n_.store(n, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const uint64_t job = (state_.load(std::memory_order_relaxed) >> 32) + 1;
    state_.store(job << 32, std::memory_order_seq_cst);  // publishes fn_, ctx_, n_
    // seq_cst pairs with the helper's store of sleeping_ before it re-checks state_: either we
    // see it asleep and notify (under the mutex, so the wake cannot slip in before its wait), or
    // it sees the new job and does not sleep.
    if (sleeping_.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_one();
    }
    work(job);
    // The helper may still be in its last chunk; it is short, so spin (yielding now and then in
    // case the helper was descheduled on a busy machine).
    for (int spins = 0; done_.load(std::memory_order_acquire) < n; ++spins) {
      cpu_relax();
      if ((spins & 1023) == 1023) std::this_thread::yield();
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  void work(uint64_t job) {
    const int n = n_.load(std::memory_order_relaxed);
    for (uint64_t s = state_.load(std::memory_order_acquire);;) {
      if ((s >> 32) != job || int(uint32_t(s)) >= n) return;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
        continue;
      // The job cannot end (so fn_ and ctx_ cannot change) until this chunk is counted done.
      fn_(ctx_, int(uint32_t(s)));
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void helper_loop() {
    uint64_t seen = 0;
    for (;;) {
      // Layers call in bursts (a train step is ~15 parallel kernels with short serial gaps), so
      // spin a little before paying for a futex sleep and wake-up.
      uint64_t job = 0;
      for (int spins = 0; spins < kSpins; ++spins) {
        job = state_.load(std::memory_order_acquire) >> 32;
        if (job != seen || stop_.load(std::memory_order_relaxed)) break;
        cpu_relax();
      }
      if (job == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_.store(true, std::memory_order_seq_cst);
        while ((job = state_.load(std::memory_order_seq_cst) >> 32) == seen && !stop_.load())
          wake_.wait(lock);
        sleeping_.store(false, std::memory_order_relaxed);
      }
      if (stop_.load()) return;
      // state_ only ever moves forward, so n_ read after the job number belongs to that job or a
      // later one; work() re-checks the job number before every claim.
      seen = job;
      work(job);
    }
  }

  // ~20-100 us of spinning: longer than the serial gaps inside a train step, shorter than the
  // gap between steps, so an idle engine soon stops using a core.
  static constexpr int kSpins = 20000;

  std::atomic<bool> busy_{false};
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> stop_{false};
  ChunkFn fn_ = nullptr;
  void* ctx_ = nullptr;
  // Atomic because a helper that missed a whole job may read it while the next job is posted.
  std::atomic<int> n_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread helper_;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for(int n_chunks, ChunkFn fn, void* ctx) {
  if (num_threads() > 1 && pool().run(n_chunks, fn, ctx)) return;
  for (int i = 0; i < n_chunks; ++i) fn(ctx, i);
}

}  // namespace detail
#endif  // CONVLAB_HAS_THREADS

}  // namespace convlab
