#include "core/thread_pool.hpp"

#include <algorithm>
#include <atomic>

#if CONVLAB_HAS_THREADS
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#endif

namespace convlab {

int default_threads() {
#if CONVLAB_HAS_THREADS && defined(__EMSCRIPTEN__)
  return 1;  // each helper needs a preloaded Worker: the JS sets the count it preloaded for
#elif CONVLAB_HAS_THREADS
  const int cores = int(std::thread::hardware_concurrency());  // 0 when unknown
  return std::clamp(cores, 1, max_threads());
#else
  return 1;
#endif
}

namespace {
std::atomic<int> g_threads{default_threads()};
std::atomic<long> g_min_parallel_work{kDefaultMinParallelWork};
std::atomic<long> g_pool_jobs{0};
thread_local int t_worker_index = 0;
}  // namespace

int num_threads() {
  return g_threads.load(std::memory_order_relaxed);
}

void set_num_threads(int n) {
  g_threads.store(std::clamp(n, 1, max_threads()), std::memory_order_relaxed);
}

long min_parallel_work() {
  return g_min_parallel_work.load(std::memory_order_relaxed);
}

void set_min_parallel_work(long work) {
  g_min_parallel_work.store(std::max(0L, work), std::memory_order_relaxed);
}

int worker_index() {
  return t_worker_index;
}

long pool_jobs() {
  return g_pool_jobs.load(std::memory_order_relaxed);
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
// job k cannot take a chunk of job k+1 with job k's function. Helpers are started as the thread
// count first asks for them; helper i joins a job only while i < num_threads() (active_).
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    wake_.notify_all();
    for (auto& helper : helpers_) helper.join();
  }

  // False when the pool is in use (another caller thread, or a nested parallel_for from inside
  // a chunk): the caller then runs its chunks itself.
  bool run(int n, ChunkFn fn, void* ctx, int threads) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    while (int(helpers_.size()) < threads - 1) {
      const int index = int(helpers_.size()) + 1;
      helpers_.emplace_back([this, index] { helper_loop(index); });
    }
    g_pool_jobs.fetch_add(1, std::memory_order_relaxed);
    // Close the last job first: a helper that read the new n_ (release/acquire below) can then
    // no longer claim a chunk of the old job and run it with the new fn_ (a race TSan found).
    const uint64_t closed = (state_.load(std::memory_order_relaxed) >> 32) + 1;
    state_.store((closed << 32) | kNoChunk, std::memory_order_seq_cst);
    fn_ = fn, ctx_ = ctx;
    active_.store(threads, std::memory_order_relaxed);
    n_.store(n, std::memory_order_release);
    done_.store(0, std::memory_order_relaxed);
    const uint64_t job = closed + 1;
    state_.store(job << 32, std::memory_order_seq_cst);  // publishes fn_, ctx_, n_, active_
    // seq_cst pairs with a helper's increment of sleepers_ before it re-checks state_: either we
    // see it asleep and notify (under the mutex, so the wake cannot slip in before its wait), or
    // it sees the new job and does not sleep.
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    work(job);
    // A helper may still be in its last chunk: usually a short wait, so spin first; but on a
    // busy machine it may have been preempted, and spinning would only take CPU time from it.
    for (int spins = 0; done_.load(std::memory_order_acquire) < n; ++spins) {
      if (spins < kSpins) {
        cpu_relax();
        continue;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      caller_sleeping_.store(true, std::memory_order_seq_cst);
      while (done_.load(std::memory_order_seq_cst) < n) finished_.wait(lock);
      caller_sleeping_.store(false, std::memory_order_relaxed);
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  void work(uint64_t job) {
    const int n = n_.load(std::memory_order_acquire);
    for (uint64_t s = state_.load(std::memory_order_acquire);;) {
      if ((s >> 32) != job || int(uint32_t(s)) >= n) return;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
        continue;
      // The job cannot end (so fn_ and ctx_ cannot change) until this chunk is counted done.
      fn_(ctx_, int(uint32_t(s)));
      // seq_cst pairs with the caller's store of caller_sleeping_, as for sleepers_ above.
      if (done_.fetch_add(1, std::memory_order_seq_cst) + 1 == n &&
          caller_sleeping_.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.notify_one();
      }
    }
  }

  void helper_loop(int index) {
    t_worker_index = index;
    uint64_t seen = 0;
    for (;;) {
      // Layers call in bursts (a train step is ~15 parallel kernels with short serial gaps), so
      // an active helper spins a little before paying for a futex sleep and wake-up.
      uint64_t job = seen;
      const bool active = index < active_.load(std::memory_order_relaxed);
      for (int spins = 0; active && spins < kSpins; ++spins) {
        job = state_.load(std::memory_order_acquire) >> 32;
        if (job != seen || stop_.load(std::memory_order_relaxed)) break;
        cpu_relax();
      }
      if (job == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        while ((job = state_.load(std::memory_order_seq_cst) >> 32) == seen && !stop_.load())
          wake_.wait(lock);
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
      if (stop_.load()) return;
      // state_ only ever moves forward, so n_ and active_ read after the job number belong to
      // that job or a later one; work() re-checks the job number before every claim, and a
      // helper that sits out a job it was meant for only leaves more chunks to the others.
      seen = job;
      if (index < active_.load(std::memory_order_acquire)) work(job);
    }
  }

  // About 10 us of polling before a thread blocks: longer than the serial gaps between the
  // kernels of a train step, yet short, because on a machine with more runnable threads than
  // cores a spinning thread takes CPU time from the one it waits for (measured: with 22% of the
  // samples in a 20000-pause spin, 2 threads trained slower than 1 on a loaded 2-core box).
  // A wasm loop iteration (no pause instruction) is a plain atomic load, hence more of them.
#if defined(__x86_64__) || defined(__i386__)
  static constexpr int kSpins = 400;
#else
  static constexpr int kSpins = 4000;
#endif

  static constexpr uint64_t kNoChunk = 0x7fffffff;  // a closed job: every claim sees it taken

  std::atomic<bool> busy_{false};
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};              // helpers waiting on wake_
  std::atomic<bool> caller_sleeping_{false};  // the caller waits on finished_
  std::atomic<bool> stop_{false};
  ChunkFn fn_ = nullptr;
  void* ctx_ = nullptr;
  // Atomic because a helper that missed a whole job may read them while the next is posted.
  std::atomic<int> n_{0};
  std::atomic<int> active_{0};  // threads in the current job, the caller included
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> helpers_;  // touched only by the caller holding busy_, and ~Pool
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_for(int n_chunks, ChunkFn fn, void* ctx) {
  const int threads = num_threads();
  if (threads > 1 && pool().run(n_chunks, fn, ctx, threads)) return;
  for (int i = 0; i < n_chunks; ++i) fn(ctx, i);
}

}  // namespace detail
#endif  // CONVLAB_HAS_THREADS

}  // namespace convlab
