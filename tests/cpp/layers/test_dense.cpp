#include <doctest/doctest.h>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/dense.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

TEST_CASE("dense forward computes x . kernel + bias by hand") {
  Rng rng(1);
  Dense layer("dense", 2);
  REQUIRE(layer.build({3}, rng) == Shape{2});
  auto p = layer.params();
  *p[0].value = Tensor{{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}};
  *p[1].value = Tensor{0.5f, -1.f};
  const Tensor x{{1.f, 0.f, -1.f}};
  const Tensor& y = layer.forward(x, Mode::inference);
  CHECK(y(0, 0) == doctest::Approx(1 - 5 + 0.5));
  CHECK(y(0, 1) == doctest::Approx(2 - 6 - 1));
}

TEST_CASE("dense kernel is glorot uniform and bias zero") {
  Rng rng(7);
  Dense layer("dense", 64);
  layer.build({100}, rng);
  auto p = layer.params();
  const float limit = std::sqrt(6.0f / 164.0f);
  CHECK(xt::amax(xt::abs(*p[0].value))() <= limit);
  CHECK(xt::amax(xt::abs(*p[0].value))() > 0.9f * limit);
  CHECK(xt::amax(xt::abs(*p[1].value))() == 0.0f);
}

TEST_CASE("dense gradients match finite differences") {
  for (auto act :
       {ActivationFn::linear, ActivationFn::sigmoid, ActivationFn::tanh, ActivationFn::softmax}) {
    CAPTURE(activation_name(act));
    Rng rng(3);
    Dense layer("dense", 5, act);
    layer.build({7}, rng);
    testing::check_layer_gradients(layer, random_tensor({4, 7}, rng));
  }
}

TEST_CASE("dense rejects a 4-D input and names the layer and shape") {
  Rng rng(1);
  Dense layer("dense_3", 128);
  CHECK_THROWS_WITH_AS(layer.build({13, 13, 64}, rng),
                       "dense_3: Dense expects a flat input (None, features) but got "
                       "(None, 13, 13, 64); add a Flatten() layer before it",
                       Error);
  CHECK_THROWS_AS(Dense("dense", 0), Error);
}
