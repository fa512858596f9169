// The doctest runner. CONVLAB_TEST_THREADS=2 runs the whole suite on the 2-thread pool with every
// kernel split, however small its tensors (the ThreadSanitizer build's ctest sets it): the
// gradient checks and the kernel tests then also check the threaded code paths. A build or
// machine that cannot give the threads asked for fails instead of quietly testing one thread.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/thread_pool.hpp"

int main(int argc, char** argv) {
  const char* env = std::getenv("CONVLAB_TEST_THREADS");
  const int threads = env && *env ? std::atoi(env) : 0;
  if (threads > 0) {
    convlab::set_num_threads(threads);
    if (convlab::num_threads() != threads) {
      std::fprintf(stderr, "CONVLAB_TEST_THREADS=%s: this build runs at most %d thread(s)\n", env,
                   convlab::max_threads());
      return 1;
    }
    if (threads > 1) convlab::set_min_parallel_work(0);
  }
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  if (threads > 1 && convlab::pool_jobs() == 0) {
    std::fprintf(stderr, "CONVLAB_TEST_THREADS=%d: no kernel ran on the thread pool\n", threads);
    return 1;
  }
  return result;
}
