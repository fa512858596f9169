#include <doctest/doctest.h>

#include "gradcheck.hpp"
#include "layers/activation.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

TEST_CASE("activation layer gradients match finite differences for every activation") {
  for (auto fn : {ActivationFn::linear, ActivationFn::relu, ActivationFn::sigmoid,
                  ActivationFn::tanh, ActivationFn::softmax}) {
    CAPTURE(activation_name(fn));
    Rng rng(5);
    Activation layer("activation", fn);
    REQUIRE(layer.build({3, 2, 4}, rng) == Shape{3, 2, 4});
    Tensor x = random_tensor({2, 3, 2, 4}, rng, 0.1f, 1.0f);
    // Random signs, magnitudes >= 0.1: every input is 10 steps h away from relu's kink.
    for (auto& v : x)
      if (rng.uniform() < 0.5f) v = -v;
    testing::check_layer_gradients(layer, x);
  }
}

TEST_CASE("activation layer softmax normalises the last axis of a 4-D input") {
  Rng rng(6);
  Activation layer("activation", ActivationFn::softmax);
  layer.build({2, 2, 5}, rng);
  const Tensor x = random_tensor({3, 2, 2, 5}, rng, -3.0f, 3.0f);
  const Tensor& y = layer.forward(x, Mode::inference);
  for (std::size_t r = 0; r < y.size() / 5; ++r) {
    double sum = 0.0;
    for (std::size_t c = 0; c < 5; ++c) sum += y.data()[r * 5 + c];
    CHECK(sum == doctest::Approx(1.0));
  }
  // relu by hand, and the input is left untouched.
  Activation relu("activation_1", ActivationFn::relu);
  relu.build({3}, rng);
  const Tensor z{{-1.0f, 0.0f, 2.5f}};
  CHECK(relu.forward(z, Mode::training) == Tensor{{0.0f, 0.0f, 2.5f}});
  CHECK(z(0, 0) == -1.0f);
}

TEST_CASE("activation layer config names the activation") {
  CHECK(Activation("activation", ActivationFn::tanh).config().dump() == R"({"activation":"tanh"})");
  CHECK(std::string(Activation("a", ActivationFn::relu).class_name()) == "Activation");
}
