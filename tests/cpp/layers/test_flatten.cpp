#include <doctest/doctest.h>

#include <vector>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/flatten.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

TEST_CASE("flatten lays out an NHWC image in (h, w, c) order as Keras does") {
  Rng rng(1);
  Flatten layer("flatten");
  REQUIRE(layer.build({2, 2, 3}, rng) == Shape{12});
  Tensor x = Tensor::from_shape({2, 2, 2, 3});
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t w = 0; w < 2; ++w)
        for (std::size_t c = 0; c < 3; ++c) x(n, h, w, c) = float(1000 * n + 100 * h + 10 * w + c);
  const Tensor& y = layer.forward(x, Mode::inference);
  REQUIRE(y.shape() == std::vector<std::size_t>{2, 12});
  // Keras: y[n, (h * W + w) * C + c] = x[n, h, w, c]; the channel index runs fastest.
  CHECK(y(1, (1 * 2 + 0) * 3 + 2) == 1102.0f);
  CHECK(y(0, (0 * 2 + 1) * 3 + 0) == 10.0f);
  CHECK(y(1, 11) == 1112.0f);

  const Tensor& dx = layer.backward(y);
  CHECK(dx == x);
}

TEST_CASE("flatten output shapes multiply out every axis but the batch") {
  Rng rng(1);
  Flatten layer("flatten");
  CHECK(layer.build({5, 5, 64}, rng) == Shape{1600});
  CHECK(layer.params().empty());
  const Tensor& y = layer.forward(random_tensor({3, 5, 5, 64}, rng), Mode::inference);
  CHECK(y.shape() == std::vector<std::size_t>{3, 1600});
  Flatten already_flat("flatten_1");
  CHECK(already_flat.build({784}, rng) == Shape{784});
}

TEST_CASE("flatten gradients match finite differences") {
  Rng rng(41);
  Flatten layer("flatten");
  layer.build({3, 4, 2}, rng);
  testing::check_layer_gradients(layer, random_tensor({2, 3, 4, 2}, rng));
}

TEST_CASE("flatten reuses its buffers from batch to batch") {
  Rng rng(43);
  Flatten layer("flatten");
  layer.build({3, 3, 2}, rng);
  const Tensor x = random_tensor({4, 3, 3, 2}, rng);
  const Tensor dy = random_tensor({4, 18}, rng);
  const float* y = layer.forward(x, Mode::training).data();
  const float* dx = layer.backward(dy).data();
  CHECK(layer.forward(x, Mode::training).data() == y);
  CHECK(layer.backward(dy).data() == dx);
}

TEST_CASE("flatten config matches tf.keras's Flatten config") {
  CHECK(Flatten("flatten").config().dump() == R"({"data_format":"channels_last"})");
}

TEST_CASE("flatten rejects inputs it was not built for with messages naming the layer") {
  Rng rng(1);
  Flatten layer("flatten");
  CHECK_THROWS_WITH_AS(layer.build({}, rng),
                       "flatten: Flatten expects an input with at least one axis besides the "
                       "batch, but got (None)",
                       Error);
  layer.build({4, 4, 2}, rng);
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::from_shape({2, 4, 4, 3}), Mode::inference),
                       "flatten: Flatten was built for 32 features per sample but got a batch "
                       "of 96 values in 2 samples",
                       Error);
}
