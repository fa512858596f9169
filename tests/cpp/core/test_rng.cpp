#include <doctest/doctest.h>

#include <algorithm>

#include "core/rng.hpp"

using namespace convlab;

TEST_CASE("rng streams repeat for a seed and differ between seeds") {
  Rng a(5), b(5), c(6);
  int same = 0;
  for (int i = 0; i < 100; ++i) {
    const uint32_t va = a.next_u32();
    CHECK(va == b.next_u32());
    same += va == c.next_u32();
  }
  CHECK(same < 3);
}

TEST_CASE("rng uniform stays in [0, 1) and covers it evenly") {
  Rng rng(1);
  int buckets[10] = {};
  for (int i = 0; i < 100000; ++i) {
    const float u = rng.uniform();
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    ++buckets[int(u * 10)];
  }
  for (int b : buckets) CHECK(std::abs(b - 10000) < 500);  // > 5 standard deviations
}

TEST_CASE("rng below(n) and permutation are unbiased permutations") {
  Rng rng(2);
  for (int i = 0; i < 1000; ++i) CHECK(rng.below(7) < 7u);
  auto p = rng.permutation(1000);
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < 1000; ++i) REQUIRE(sorted[i] == i);
  CHECK(p != sorted);
  // Each element lands in the first half about half the time.
  int first_half = 0;
  for (int t = 0; t < 2000; ++t) first_half += rng.permutation(10)[0] < 5;
  CHECK(std::abs(first_half - 1000) < 150);
}
