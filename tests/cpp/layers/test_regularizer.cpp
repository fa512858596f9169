#include <doctest/doctest.h>

#include "gradcheck.hpp"
#include "layers/regularizer.hpp"

using namespace convlab;

TEST_CASE("regularizer penalty is l1 * sum|w| + l2 * sum w^2, worked by hand") {
  const Tensor w{1.0f, -2.0f, 0.5f};
  CHECK(Regularizer{0.0f, 0.01f}.penalty(w) == doctest::Approx(0.01 * 5.25));
  CHECK(Regularizer{0.1f, 0.0f}.penalty(w) == doctest::Approx(0.1 * 3.5));
  CHECK(Regularizer{0.1f, 0.01f}.penalty(w) == doctest::Approx(0.35 + 0.0525));
  CHECK_FALSE(Regularizer{}.active());
}

TEST_CASE("regularizer gradient matches finite differences of the penalty") {
  Rng rng(11);
  // Entries kept away from 0, where |w| has its kink.
  Tensor w = testing::random_tensor({40}, rng, 0.1f, 1.0f);
  for (std::size_t i = 0; i < w.size(); i += 2) w(i) = -w(i);
  const Regularizer r{0.03f, 0.02f};
  Tensor grad = xt::zeros<float>(w.shape());
  r.add_gradient(w, grad);
  testing::GradCheckOptions o;
  o.h = 1e-2;
  testing::check_entries(
      "l1_l2", w, grad, [&] { return r.penalty(w); }, o);
}

TEST_CASE("regularizer gradient is added to the gradient already there") {
  const Tensor w{2.0f};
  Tensor grad{1.0f};
  Regularizer{0.0f, 0.5f}.add_gradient(w, grad);
  CHECK(grad(0) == doctest::Approx(1.0 + 2 * 0.5 * 2.0));
}
