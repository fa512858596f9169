// Sets the kernels' thread count for a scope and restores it however a test case exits.
#pragma once

#include "core/thread_pool.hpp"

namespace convlab::testing {

struct Threads {
  explicit Threads(int n) : saved(num_threads()) { set_num_threads(n); }
  ~Threads() { set_num_threads(saved); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;
  int saved;
};

}  // namespace convlab::testing
