#include <doctest/doctest.h>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/dropout.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

TEST_CASE("dropout in inference is the identity") {
  Rng rng(1);
  Dropout layer("dropout", 0.5f);
  REQUIRE(layer.build({3, 4}, rng) == Shape{3, 4});
  const Tensor x = random_tensor({2, 3, 4}, rng);
  CHECK(layer.forward(x, Mode::inference) == x);
  const Tensor dy = random_tensor({2, 3, 4}, rng);
  CHECK(layer.backward(dy) == dy);
}

TEST_CASE("dropout in training keeps 1 - rate of the units, scaled by 1 / (1 - rate)") {
  Rng rng(2);
  Dropout layer("dropout", 0.3f);
  layer.build({1000}, rng);
  const Tensor x = xt::ones<float>({100, 1000});
  const Tensor& y = layer.forward(x, Mode::training);
  const float scale = 1.0f / (1.0f - 0.3f);
  std::size_t kept = 0, other = 0;
  for (float v : y) {
    if (v == scale)
      ++kept;
    else if (v != 0.0f)
      ++other;
  }
  CHECK(other == 0);
  // 100000 Bernoulli(0.7) draws: standard deviation of the fraction is 0.0014.
  CHECK(double(kept) / y.size() == doctest::Approx(0.7).epsilon(0.01));
  // Backward routes dy through the same mask.
  const Tensor dy = random_tensor({100, 1000}, rng);
  const Tensor& dx = layer.backward(dy);
  for (std::size_t i = 0; i < y.size(); i += 997) CHECK(dx.data()[i] == dy.data()[i] * y.data()[i]);
}

TEST_CASE("dropout with the same seed draws the same mask") {
  const Tensor x = xt::ones<float>({8, 64});
  Rng rng_a(42), rng_b(42);
  Dropout a("dropout", 0.5f), b("dropout", 0.5f);
  a.build({64}, rng_a);
  b.build({64}, rng_b);
  const Tensor ya = a.forward(x, Mode::training);
  CHECK(b.forward(x, Mode::training) == ya);
  // The next training step draws a fresh mask.
  CHECK(a.forward(x, Mode::training) != ya);
}

TEST_CASE("dropout at rate 0 in training is the identity and draws nothing") {
  Rng rng(3);
  Dropout layer("dropout", 0.0f);
  layer.build({5}, rng);
  Rng data_rng(8);
  const Tensor x = random_tensor({2, 5}, data_rng);
  CHECK(layer.forward(x, Mode::training) == x);
  CHECK(rng.next_u32() == Rng(3).next_u32());  // the stream is where it started
}

TEST_CASE("dropout gradients match finite differences with a fixed mask") {
  Rng rng(4);
  Dropout layer("dropout", 0.4f);
  layer.build({3, 3, 2}, rng);
  const Tensor x = random_tensor({2, 3, 3, 2}, rng);
  testing::GradCheckOptions o;
  o.before_forward = [&rng] { rng.reseed(99); };
  testing::check_layer_gradients(layer, x, o);
}

TEST_CASE("dropout rejects rates outside [0, 1) and names the layer") {
  CHECK_THROWS_WITH_AS(Dropout("dropout", 1.5f), "dropout: Dropout rate must be in [0, 1), got 1.5",
                       Error);
  CHECK_THROWS_WITH_AS(Dropout("dropout_2", 1.0f),
                       "dropout_2: Dropout rate must be in [0, 1), got 1", Error);
  CHECK_THROWS_WITH_AS(Dropout("dropout", -0.1f),
                       "dropout: Dropout rate must be in [0, 1), got -0.1", Error);
  CHECK_THROWS_AS(Dropout("dropout", std::nanf("")), Error);
}

TEST_CASE("dropout config lists rate, noise_shape and seed") {
  CHECK(Dropout("dropout", 0.1f).config().dump() ==
        R"({"rate":0.1,"noise_shape":null,"seed":null})");
}
