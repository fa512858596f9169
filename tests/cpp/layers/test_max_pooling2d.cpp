#include <doctest/doctest.h>

#include <vector>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/max_pooling2d.hpp"
#include "tensor_values.hpp"

using namespace convlab;
using convlab::testing::random_tensor;
using convlab::testing::tensor_of;
using convlab::testing::values_of;

namespace {

// Distinct values 0.1 apart in random order: a 1e-2 finite-difference step never changes which
// input wins a window, so max pooling is differentiable at every point the check visits.
Tensor distinct_tensor(const Shape& shape, Rng& rng) {
  Tensor t = Tensor::from_shape(shape);
  const auto order = rng.permutation(uint32_t(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = 0.1f * float(order[i]) - 3.0f;
  return t;
}

}  // namespace

TEST_CASE("max pooling takes the largest of each 2x2 window of a 4x4 input by hand") {
  Rng rng(1);
  MaxPooling2D layer("max_pooling2d");
  REQUIRE(layer.build({4, 4, 1}, rng) == Shape{2, 2, 1});
  const Tensor x = tensor_of({1, 4, 4, 1}, {1, 1, 2, 4,  //
                                            5, 6, 7, 8,  //
                                            3, 2, 1, 0,  //
                                            1, 2, 3, 4});
  CHECK(values_of(layer.forward(x, Mode::training)) == std::vector<float>{6, 8, 3, 4});
  // The gradient goes to each window's winner only.
  const Tensor dx = layer.backward(tensor_of({1, 2, 2, 1}, {10, 20, 30, 40}));
  CHECK(values_of(dx) == std::vector<float>{0, 0, 0, 0,    //
                                            0, 10, 0, 20,  //
                                            30, 0, 0, 0,   //
                                            0, 0, 0, 40});
}

TEST_CASE("max pooling with same padding never lets a padding pixel win") {
  Rng rng(1);
  MaxPooling2D layer("max_pooling2d", 2, 2, 2, 2, Padding::same);
  // out = ceil(3 / 2) = 2; the single padding row and column go after the input.
  REQUIRE(layer.build({3, 3, 1}, rng) == Shape{2, 2, 1});
  const Tensor x = tensor_of({1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  CHECK(values_of(layer.forward(x, Mode::inference)) == std::vector<float>{-1, -3, -7, -9});
}

TEST_CASE("max pooling keeps channels apart") {
  Rng rng(1);
  MaxPooling2D layer("max_pooling2d");
  REQUIRE(layer.build({2, 2, 2}, rng) == Shape{1, 1, 2});
  const Tensor x = tensor_of({1, 2, 2, 2}, {1, 8, 2, 7, 3, 6, 4, 5});
  CHECK(values_of(layer.forward(x, Mode::inference)) == std::vector<float>{4, 8});
}

TEST_CASE("max pooling output shapes follow pool size, strides and padding") {
  Rng rng(1);
  struct Case {
    Shape in;
    int pool, stride;
    Padding padding;
    Shape out;
  };
  for (const Case& c : std::vector<Case>{{{26, 26, 32}, 2, 0, Padding::valid, {13, 13, 32}},
                                         {{11, 11, 64}, 2, 0, Padding::valid, {5, 5, 64}},
                                         {{11, 11, 64}, 2, 0, Padding::same, {6, 6, 64}},
                                         {{7, 6, 3}, 3, 1, Padding::valid, {5, 4, 3}},
                                         {{7, 6, 3}, 3, 2, Padding::same, {4, 3, 3}},
                                         {{7, 6, 3}, 3, 0, Padding::valid, {2, 2, 3}}}) {
    MaxPooling2D layer("max_pooling2d", c.pool, c.pool, c.stride, c.stride, c.padding);
    CHECK(layer.build(c.in, rng) == c.out);
    CHECK(layer.params().empty());
    const Tensor& y = layer.forward(random_tensor(batched(2, c.in), rng), Mode::inference);
    CHECK(Shape(y.shape().begin(), y.shape().end()) == batched(2, c.out));
  }
}

TEST_CASE("max pooling gradients match finite differences for each pool, stride and padding") {
  for (auto padding : {Padding::valid, Padding::same})
    for (int pool : {2, 3})
      for (int stride : {1, 2}) {
        CAPTURE(padding == Padding::same);
        CAPTURE(pool);
        CAPTURE(stride);
        Rng rng(31);
        MaxPooling2D layer("max_pooling2d", pool, pool, stride, stride, padding);
        layer.build({5, 6, 2}, rng);
        testing::check_layer_gradients(layer, distinct_tensor({2, 5, 6, 2}, rng));
      }
}

TEST_CASE("max pooling reuses its buffers from batch to batch and grows for a larger batch") {
  Rng rng(37);
  MaxPooling2D layer("max_pooling2d");
  layer.build({6, 6, 3}, rng);
  const Tensor x = distinct_tensor({2, 6, 6, 3}, rng);
  const Tensor dy = random_tensor({2, 3, 3, 3}, rng);
  const float* y = layer.forward(x, Mode::training).data();
  const float* dx = layer.backward(dy).data();
  CHECK(layer.forward(x, Mode::training).data() == y);
  CHECK(layer.backward(dy).data() == dx);
  const Tensor big = distinct_tensor({5, 6, 6, 3}, rng);
  testing::check_layer_gradients(layer, big);
}

TEST_CASE("max pooling config matches tf.keras's MaxPooling2D config") {
  const Json expected = Json::parse(R"({"pool_size": [2, 2], "padding": "valid",
    "strides": [2, 2], "data_format": "channels_last"})");
  CHECK(MaxPooling2D("max_pooling2d").config().dump() == expected.dump());
  const Json strided = MaxPooling2D("max_pooling2d", 3, 2, 1, 0, Padding::same).config();
  CHECK(strided["pool_size"] == Json{3, 2});
  CHECK(strided["strides"] == Json{1, 2});
  CHECK(strided["padding"] == "same");
}

TEST_CASE("max pooling rejects bad arguments and shapes with messages naming the layer") {
  Rng rng(1);
  CHECK_THROWS_WITH_AS(MaxPooling2D("max_pooling2d", 0, 2),
                       "max_pooling2d: MaxPooling2D pool_size must be positive, got 0x2", Error);
  CHECK_THROWS_WITH_AS(
      MaxPooling2D("max_pooling2d", 2, 2, -1, 2),
      "max_pooling2d: MaxPooling2D strides must be positive (or 0 for the pool size), got -1x2",
      Error);

  MaxPooling2D flat("max_pooling2d");
  CHECK_THROWS_WITH_AS(flat.build({128}, rng),
                       "max_pooling2d: MaxPooling2D expects input (None, height, width, "
                       "channels) but got (None, 128)",
                       Error);
  CHECK_THROWS_WITH_AS(flat.build({4, 4, 4, 4}, rng),
                       "max_pooling2d: MaxPooling2D expects input (None, height, width, "
                       "channels) but got (None, 4, 4, 4, 4)",
                       Error);

  MaxPooling2D big("max_pooling2d_1", 3, 3);
  CHECK_THROWS_WITH_AS(
      big.build({2, 2, 64}, rng),
      "max_pooling2d_1: pool 3x3 does not fit input (None, 2, 2, 64) with padding='valid' (the "
      "output would be 0x0)",
      Error);
  MaxPooling2D padded("max_pooling2d_2", 3, 3, 0, 0, Padding::same);
  CHECK(padded.build({2, 2, 64}, rng) == Shape{1, 1, 64});

  MaxPooling2D built("max_pooling2d");
  built.build({4, 4, 1}, rng);
  CHECK_THROWS_WITH_AS(built.forward(Tensor::from_shape({3, 4, 4}), Mode::inference),
                       "max_pooling2d: MaxPooling2D was built for input (None, 4, 4, 1) but got "
                       "a batch of shape (3, 4, 4)",
                       Error);
}
