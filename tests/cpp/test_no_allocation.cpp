// "No allocation inside a training step" (issue 5), proven by counting every heap allocation
// the process makes: malloc and friends are interposed (glibc lets a program define them and
// reach its own through __libc_*), which also sees operator new and xsimd's aligned buffers.
// Sanitizer builds interpose malloc themselves, and emscripten links its own malloc, so the
// check lives in the plain native build, which `npm test` runs.
#include <doctest/doctest.h>

#include <cstddef>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__wasm__)

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <vector>

#include "conformance_cases.hpp"
#include "core/rng.hpp"
#include "test_models.hpp"
#include "trainer.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
std::atomic<long> allocations{0};
}  // namespace

extern "C" {
void* malloc(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
void* memalign(std::size_t alignment, std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
  return memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  void* p = memalign(alignment, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
}

using namespace convlab;

TEST_CASE("a training step allocates nothing once the first steps have sized every buffer") {
  // The lab CNN with adam, batch 32, over 96 random 28x28 images: three batches an epoch, so
  // the counted steps cross epoch boundaries (the reshuffle) too.
  Trainer t(testing::kLabModel, 1);
  t.compile("adam", "sparse_categorical_crossentropy");
  Rng rng(2);
  std::vector<float> x(96 * 784), y(96);
  for (auto& v : x) v = rng.uniform();
  for (auto& v : y) v = float(rng.below(10));
  t.set_data("train", Dataset::from_floats(x, y, 96, 784, 1));
  t.start_training(32, true);
  for (int i = 0; i < 4; ++i) t.train_step();  // sizes buffers, optimizer slots, thread pool

  const long before = allocations.load();
  double loss = 0.0;
  for (int i = 0; i < 7; ++i) loss += t.train_step().loss;
  const long during = allocations.load() - before;
  CHECK(loss > 0.0);
  CHECK(during == 0);

  // The counter does see allocations (or the check above could never fail).
  std::vector<float>* probe = new std::vector<float>(1000);
  CHECK(allocations.load() - before - during >= 2);
  delete probe;
}

TEST_CASE("conformance: a training step allocates nothing, for every layer's case") {
  for (const auto& c : testing::conformance_cases()) {
    CAPTURE(c.layer);
    Trainer t(testing::training_model(c), 1);
    t.compile("adam", "sparse_categorical_crossentropy");
    Rng rng(2);
    const std::size_t n = 12, features = shape_size(c.input_shape);
    std::vector<float> x(n * features), y(n);
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    for (auto& v : y) v = float(rng.below(3));
    t.set_data("train", Dataset::from_floats(x, y, n, features, 1));
    t.start_training(4, true);
    for (int i = 0; i < 4; ++i) t.train_step();  // sizes buffers, optimizer slots, thread pool
    const long before = allocations.load();
    for (int i = 0; i < 6; ++i) t.train_step();
    CHECK(allocations.load() - before == 0);
  }
}

#endif
