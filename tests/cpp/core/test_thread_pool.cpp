// The pool itself, and the promise the kernels make with it: 1, 2, 3, 4 and 8 threads give
// bit-identical results (they split along outputs, or into fixed pieces summed in order), even
// with more threads than this machine's cores. Without threads compiled in, every run takes the
// one-thread path and the comparisons hold trivially.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "core/rng.hpp"
#include "core/thread_pool.hpp"
#include "kernels/gemm.hpp"
#include "tensor_values.hpp"
#include "test_files.hpp"
#include "thread_count.hpp"
#include "trainer.hpp"

using namespace convlab;
using convlab::testing::same_bits;
using convlab::testing::Threads;

namespace {

std::vector<float> random_floats(std::size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// The counts the engine promises the same bits for (all of them are 1 without threads).
constexpr int kThreadCounts[] = {2, 3, 4, 8};

}  // namespace

TEST_CASE("parallel_for runs every chunk exactly once, many times over, on any thread count") {
  // 8, then fewer (helpers beyond the count sit out), then 8 again.
  for (int count : {8, 2, 3, 8}) {
    Threads threads(count);
    CAPTURE(count);
    CHECK(num_threads() == std::min(count, max_threads()));
    for (int n : {0, 1, 2, 3, 7, 64}) {
      CAPTURE(n);
      for (int rep = 0; rep < 100; ++rep) {
        std::vector<std::atomic<int>> hits(std::size_t(n) + 1);
        // A chunk must not throw, so the worker indices are checked after the loop.
        std::atomic<int> bad_worker{0};
        parallel_for(n, [&](int chunk) {
          hits[std::size_t(chunk)].fetch_add(1);
          const int w = worker_index();
          if (w < 0 || w >= std::min(count, max_threads())) bad_worker.fetch_add(1);
        });
        for (int i = 0; i < n; ++i) REQUIRE(hits[std::size_t(i)].load() == 1);
        REQUIRE(hits[std::size_t(n)].load() == 0);
        REQUIRE(bad_worker.load() == 0);
      }
    }
  }
}

TEST_CASE("the default thread count is the host's cores, capped; the build's cap is 8 or 1") {
  CHECK(max_threads() == (CONVLAB_HAS_THREADS ? 8 : 1));
  CHECK(default_threads() >= 1);
  CHECK(default_threads() <= max_threads());
}

TEST_CASE("a nested parallel_for runs inline on the calling thread") {
  std::atomic<int> total{0};
  parallel_for(2, [&](int) { parallel_for(3, [&](int) { total.fetch_add(1); }); });
  CHECK(total.load() == 6);
}

TEST_CASE("set_num_threads clamps to what the build has") {
  Threads threads(1);
  CHECK(num_threads() == 1);
  set_num_threads(99);
  CHECK(num_threads() == max_threads());
  set_num_threads(0);
  CHECK(num_threads() == 1);
}

TEST_CASE("chunk_range cuts on aligned boundaries and covers everything") {
  for (int n : {0, 1, 9, 32, 33, 3872}) {
    for (int chunks : {1, 2, 3}) {
      int next = 0;
      for (int c = 0; c < chunks; ++c) {
        const Range r = chunk_range(n, chunks, c, 4);
        CHECK(r.begin == next);
        CHECK(r.end >= r.begin);
        if (r.end < n) CHECK(r.end % 4 == 0);
        next = r.end;
      }
      CHECK(next == n);
    }
  }
}

TEST_CASE(
    "gemm gives bit-identical results on 1, 2, 3, 4 and 8 threads, split along M, N or K in fixed "
    "pieces") {
  Rng rng(7);
  struct Shape {
    bool ta, tb;
    int M, N, K;
  };
  // The lab model's products (forward NN, weight gradient TN, input gradient NT) and odd edges.
  const Shape shapes[] = {{false, false, 3872, 32, 288}, {true, false, 288, 32, 3872},
                          {false, true, 3872, 288, 32},  {true, false, 9, 32, 21632},
                          {false, false, 32, 128, 800},  {false, true, 32, 800, 128},
                          {false, false, 203, 77, 901},  {true, true, 61, 203, 150}};
  for (const Shape& s : shapes) {
    CAPTURE(s.M);
    CAPTURE(s.N);
    CAPTURE(s.K);
    for (bool accumulate : {false, true}) {
      const auto A = random_floats(std::size_t(s.M) * s.K, rng);
      const auto B = random_floats(std::size_t(s.K) * s.N, rng);
      const auto bias = random_floats(std::size_t(s.N), rng);
      const auto C0 = random_floats(std::size_t(s.M) * s.N, rng);
      GemmEpilogue e;
      e.bias = accumulate ? nullptr : bias.data();
      e.relu = !accumulate;
      auto run = [&](int n) {
        Threads threads(n);
        auto C = C0;
        gemm(s.ta, s.tb, s.M, s.N, s.K, A.data(), s.ta ? s.M : s.K, B.data(), s.tb ? s.K : s.N,
             C.data(), s.N, accumulate, e);
        return C;
      };
      const auto one = run(1);
      for (int n : kThreadCounts) {
        CAPTURE(n);
        CHECK(same_bits(one, run(n)));
      }
    }
  }
}

TEST_CASE(
    "training the lab model gives bit-identical losses and weights on 1, 2, 3, 4 and 8 threads") {
  const char* lab = R"({"input_shape": [28, 28, 1], "layers": [
    {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu"}}, "MaxPooling2D",
    {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu", "padding": "same"}},
    "MaxPooling2D", "Flatten", {"Dense": {"units": 128, "activation": "relu"}},
    {"Dense": {"units": 10, "activation": "softmax"}}]})";
  Rng rng(3);
  const std::size_t n = 64;
  std::vector<float> x(n * 784), y(n);
  for (auto& v : x) v = rng.uniform();
  for (auto& v : y) v = float(rng.below(10));
  auto run = [&](int threads_used) {
    Threads threads(threads_used);
    Trainer t(lab, 5);
    t.compile("adam", "sparse_categorical_crossentropy");
    t.set_data("train", Dataset::from_floats(x, y, n, 784, 1));
    t.start_training(32, true);
    std::vector<double> losses;
    for (int i = 0; i < 6; ++i) losses.push_back(t.train_step().loss);
    const Tensor& out = t.predict(x.data(), n);
    return std::make_tuple(losses, t.get_weights(), std::vector<float>(out.begin(), out.end()));
  };
  const auto one = run(1);
  for (int n : kThreadCounts) {
    CAPTURE(n);
    const auto many = run(n);
    CHECK(std::get<0>(one) == std::get<0>(many));
    CHECK(same_bits(std::get<1>(one), std::get<1>(many)));
    CHECK(same_bits(std::get<2>(one), std::get<2>(many)));
  }
}
