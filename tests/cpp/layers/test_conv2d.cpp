#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "kernels/im2col.hpp"
#include "layers/conv2d.hpp"
#include "tensor_values.hpp"

using namespace convlab;
using convlab::testing::random_tensor;
using convlab::testing::tensor_of;
using convlab::testing::values_of;

namespace {

std::size_t param_count(Layer& layer) {
  std::size_t n = 0;
  for (auto& p : layer.params()) n += p.value->size();
  return n;
}

}  // namespace

TEST_CASE("conv2d computes the course's 3x3 filter over a 5x5 image by hand") {
  Rng rng(1);
  Conv2D layer("conv2d", 1, 3, 3);
  REQUIRE(layer.build({5, 5, 1}, rng) == Shape{3, 3, 1});
  auto p = layer.params();
  *p[0].value = tensor_of({3, 3, 1, 1}, {1, 0, 1, 0, 1, 0, 1, 0, 1});
  const Tensor x = tensor_of({1, 5, 5, 1}, {1, 1, 1, 0, 0,  //
                                            0, 1, 1, 1, 0,  //
                                            0, 0, 1, 1, 1,  //
                                            0, 0, 1, 1, 0,  //
                                            0, 1, 1, 0, 0});
  const Tensor& y = layer.forward(x, Mode::inference);
  REQUIRE(y.shape() == std::vector<std::size_t>{1, 3, 3, 1});
  CHECK(values_of(y) == std::vector<float>{4, 3, 4, 2, 4, 3, 2, 3, 4});
}

TEST_CASE("conv2d with same padding sums zero-padded neighbourhoods by hand") {
  Rng rng(1);
  Conv2D layer("conv2d", 1, 3, 3, 1, 1, Padding::same);
  REQUIRE(layer.build({3, 3, 1}, rng) == Shape{3, 3, 1});
  auto p = layer.params();
  *p[0].value = xt::ones<float>({3, 3, 1, 1});
  *p[1].value = Tensor{0.5f};
  const Tensor x = tensor_of({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Each output is the sum of its pixel and the in-bounds neighbours, plus the bias.
  CHECK(values_of(layer.forward(x, Mode::inference)) ==
        std::vector<float>{12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5});
}

TEST_CASE("conv2d with same padding and stride 2 puts the odd padding pixel bottom right") {
  Rng rng(1);
  Conv2D layer("conv2d", 1, 3, 3, 2, 2, Padding::same);
  // out = ceil(4 / 2) = 2; pad_total = (2 - 1) * 2 + 3 - 4 = 1, all of it after (as TensorFlow).
  REQUIRE(layer.build({4, 4, 1}, rng) == Shape{2, 2, 1});
  *layer.params()[0].value = xt::ones<float>({3, 3, 1, 1});
  const Tensor x = tensor_of({1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  // Windows: rows/cols 0-2 -> 54; rows 0-2, cols 2-3 -> 3+4+7+8+11+12 = 45;
  // rows 2-3, cols 0-2 -> 9+10+11+13+14+15 = 72; rows/cols 2-3 -> 11+12+15+16 = 54.
  CHECK(values_of(layer.forward(x, Mode::inference)) == std::vector<float>{54, 45, 72, 54});
}

TEST_CASE("conv2d cross-correlates without flipping the kernel") {
  Rng rng(1);
  Conv2D layer("conv2d", 1, 1, 2);
  REQUIRE(layer.build({1, 3, 1}, rng) == Shape{1, 2, 1});
  *layer.params()[0].value = tensor_of({1, 2, 1, 1}, {1, 10});
  const Tensor x = tensor_of({1, 1, 3, 1}, {1, 2, 3});
  CHECK(values_of(layer.forward(x, Mode::inference)) == std::vector<float>{21, 32});
}

TEST_CASE("conv2d matches the direct convolution on a multi-channel batch") {
  for (auto padding : {Padding::valid, Padding::same})
    for (int stride : {1, 2}) {
      CAPTURE(stride);
      Rng rng(5);
      Conv2D layer("conv2d", 4, 3, 2, stride, stride, padding);
      const Shape out = layer.build({7, 6, 3}, rng);
      auto p = layer.params();
      *p[1].value = random_tensor({4}, rng);
      const Tensor x = random_tensor({2, 7, 6, 3}, rng);
      const Tensor& y = layer.forward(x, Mode::inference);
      const Window1D wy = window_1d(7, 3, stride, padding), wx = window_1d(6, 2, stride, padding);
      const Window2D g{2,      7,     6, 3, 3, 2, stride, stride, wy.pad_before, wx.pad_before,
                       wy.out, wx.out};
      Tensor expected = Tensor::from_shape(batched(2, out));
      conv2d_forward_naive(g, 4, x.data(), p[0].value->data(), p[1].value->data(), expected.data());
      CHECK(xt::amax(xt::abs(y - expected))() < 1e-5f);
    }
}

TEST_CASE("conv2d output shapes follow the valid and same rules for odd sizes and strides") {
  Rng rng(1);
  struct Case {
    Shape in;
    int k, stride;
    Padding padding;
    Shape out;
  };
  for (const Case& c : std::vector<Case>{{{28, 28, 1}, 3, 1, Padding::valid, {26, 26, 32}},
                                         {{28, 28, 1}, 3, 1, Padding::same, {28, 28, 32}},
                                         {{7, 6, 3}, 3, 2, Padding::same, {4, 3, 32}},
                                         {{7, 6, 3}, 3, 2, Padding::valid, {3, 2, 32}},
                                         {{5, 5, 2}, 5, 1, Padding::valid, {1, 1, 32}},
                                         {{2, 2, 2}, 3, 1, Padding::same, {2, 2, 32}}}) {
    Conv2D layer("conv2d", 32, c.k, c.k, c.stride, c.stride, c.padding);
    CHECK(layer.build(c.in, rng) == c.out);
    const Tensor& y = layer.forward(random_tensor(batched(2, c.in), rng), Mode::inference);
    CHECK(Shape(y.shape().begin(), y.shape().end()) == batched(2, c.out));
  }
}

TEST_CASE("conv2d parameter counts match Keras's model summary") {
  Rng rng(1);
  Conv2D first("conv2d", 32, 3, 3);
  first.build({28, 28, 1}, rng);
  CHECK(param_count(first) == 320);
  Conv2D deep("conv2d_1", 64, 3, 3);
  deep.build({11, 11, 64}, rng);
  CHECK(param_count(deep) == 36928);
}

TEST_CASE("conv2d kernel is glorot uniform over kh*kw*C in and kh*kw*F out, bias zero") {
  Rng rng(7);
  Conv2D layer("conv2d", 16, 3, 3);
  layer.build({10, 10, 8}, rng);
  auto p = layer.params();
  REQUIRE(p[0].value->shape() == std::vector<std::size_t>{3, 3, 8, 16});
  const float limit = std::sqrt(6.0f / (9 * 8 + 9 * 16));
  CHECK(xt::amax(xt::abs(*p[0].value))() <= limit);
  CHECK(xt::amax(xt::abs(*p[0].value))() > 0.9f * limit);
  CHECK(xt::amax(xt::abs(*p[1].value))() == 0.0f);
}

TEST_CASE("conv2d gradients match finite differences for every padding, stride and activation") {
  // C = 2: dx through dcols + col2im; C = 8 (a kernel row of 24 floats): the fused
  // gemm_into_windows path, through a padded dx for 'same'. At stride 1, C = 8 takes Winograd
  // for the forward pass, and F = 8 for the input gradient.
  for (std::size_t C : {2, 8})
    for (int F : {3, 8})
      for (auto padding : {Padding::valid, Padding::same})
        for (int stride : {1, 2})
          for (auto act : {ActivationFn::linear, ActivationFn::tanh}) {
            CAPTURE(C);
            CAPTURE(F);
            CAPTURE(padding == Padding::same);
            CAPTURE(stride);
            CAPTURE(activation_name(act));
            Rng rng(11);
            Conv2D layer("conv2d", F, 3, 3, stride, stride, padding, act);
            const Shape out = layer.build({6, 5, C}, rng);
            *layer.params()[1].value = random_tensor({std::size_t(F)}, rng, -0.5f, 0.5f);
            testing::check_layer_gradients(layer, random_tensor({2, 6, 5, C}, rng));
          }
}

TEST_CASE(
    "conv2d gradients match finite differences for a non-square kernel, with and without "
    "bias") {
  for (bool use_bias : {true, false})
    for (auto padding : {Padding::valid, Padding::same}) {
      CAPTURE(use_bias);
      CAPTURE(padding == Padding::same);
      Rng rng(13);
      Conv2D layer("conv2d", 2, 2, 3, 1, 2, padding, ActivationFn::tanh, use_bias);
      layer.build({5, 7, 3}, rng);
      testing::check_layer_gradients(layer, random_tensor({2, 5, 7, 3}, rng));
    }
}

TEST_CASE("conv2d relu gradients match finite differences away from the kink") {
  Rng rng(17);
  Conv2D layer("conv2d", 3, 3, 3, 1, 1, Padding::same, ActivationFn::relu);
  layer.build({5, 5, 2}, rng);
  // |x| <= 0.2 and |kernel| <= sqrt(6/45) bound |x * kernel| summed over 18 taps by 1.4, so a
  // bias of +-2 keeps every pre-activation at least 0.6 from the kink, far beyond the 1e-2 step:
  // filters 0 and 2 are always active and filter 1 always dead, covering both relu branches.
  *layer.params()[1].value = Tensor{2.0f, -2.0f, 2.0f};
  testing::check_layer_gradients(layer, random_tensor({2, 5, 5, 2}, rng, -0.2f, 0.2f));
}

TEST_CASE("conv2d backward overwrites gradients and can run twice after one forward") {
  Rng rng(19);
  Conv2D layer("conv2d", 3, 3, 3, 1, 1, Padding::same, ActivationFn::tanh);
  layer.build({4, 5, 8}, rng);
  const Tensor x = random_tensor({2, 4, 5, 8}, rng);
  const Tensor dy = random_tensor({2, 4, 5, 3}, rng);
  layer.forward(x, Mode::training);
  const Tensor dx1 = layer.backward(dy);
  const Tensor dk1 = *layer.params()[0].grad, db1 = *layer.params()[1].grad;
  const Tensor dx2 = layer.backward(dy);
  CHECK(dx2 == dx1);
  CHECK(*layer.params()[0].grad == dk1);
  CHECK(*layer.params()[1].grad == db1);
}

TEST_CASE("conv2d without the input gradient still computes the parameter gradients") {
  Rng rng(23);
  Conv2D with("conv2d", 3, 3, 3), without("conv2d", 3, 3, 3);
  with.build({5, 5, 1}, rng);
  Rng same_rng(23);
  without.build({5, 5, 1}, same_rng);
  *without.params()[0].value = *with.params()[0].value;
  without.set_input_gradient_needed(false);
  const Tensor x = random_tensor({2, 5, 5, 1}, rng);
  const Tensor dy = random_tensor({2, 3, 3, 3}, rng);
  with.forward(x, Mode::training);
  with.backward(dy);
  without.forward(x, Mode::training);
  without.backward(dy);
  CHECK(*without.params()[0].grad == *with.params()[0].grad);
  CHECK(*without.params()[1].grad == *with.params()[1].grad);
}

TEST_CASE("conv2d reuses its buffers from batch to batch") {
  Rng rng(29);
  Conv2D layer("conv2d", 4, 3, 3, 1, 1, Padding::same, ActivationFn::relu);
  layer.build({6, 6, 2}, rng);
  const Tensor x = random_tensor({3, 6, 6, 2}, rng);
  const Tensor dy = random_tensor({3, 6, 6, 4}, rng);
  const float* y = layer.forward(x, Mode::training).data();
  const float* dx = layer.backward(dy).data();
  CHECK(layer.forward(x, Mode::training).data() == y);
  CHECK(layer.backward(dy).data() == dx);
}

TEST_CASE("conv2d without bias has only a kernel, which carries the kernel regularizer") {
  Rng rng(1);
  Conv2D layer("conv2d", 8, 3, 3, 1, 1, Padding::valid, ActivationFn::relu, false,
               Regularizer{0.0f, 0.01f});
  layer.build({8, 8, 1}, rng);
  auto p = layer.params();
  REQUIRE(p.size() == 1);
  CHECK(p[0].name == "kernel");
  CHECK(p[0].regularizer.l1 == 0.0f);
  CHECK(p[0].regularizer.l2 == 0.01f);
  Conv2D biased("conv2d_1", 8, 3, 3);
  biased.build({8, 8, 1}, rng);
  REQUIRE(biased.params().size() == 2);
  CHECK(biased.params()[1].name == "bias");
  CHECK_FALSE(biased.params()[1].regularizer.active());
}

TEST_CASE("conv2d config matches tf.keras's Conv2D config") {
  Conv2D layer("conv2d", 32, 3, 5, 1, 2, Padding::same, ActivationFn::relu, true,
               Regularizer{0.0f, 0.5f});
  const Json expected = Json::parse(R"({
    "filters": 32, "kernel_size": [3, 5], "strides": [1, 2], "padding": "same",
    "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
    "activation": "relu", "use_bias": true,
    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
    "bias_initializer": {"class_name": "Zeros", "config": {}},
    "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.5}},
    "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "bias_constraint": null})");
  CHECK(layer.config().dump() == expected.dump());
  CHECK(Conv2D("conv2d", 1, 3, 3).config()["kernel_regularizer"].is_null());
  CHECK(Conv2D("conv2d", 1, 3, 3).config()["padding"] == "valid");
}

TEST_CASE("conv2d rejects bad arguments and shapes with messages naming the layer") {
  Rng rng(1);
  CHECK_THROWS_WITH_AS(Conv2D("conv2d", 0, 3, 3),
                       "conv2d: Conv2D filters must be a positive integer, got 0", Error);
  CHECK_THROWS_WITH_AS(Conv2D("conv2d", 32, 0, 3),
                       "conv2d: Conv2D kernel_size must be positive, got 0x3", Error);
  CHECK_THROWS_WITH_AS(Conv2D("conv2d", 32, 3, -1),
                       "conv2d: Conv2D kernel_size must be positive, got 3x-1", Error);
  CHECK_THROWS_WITH_AS(Conv2D("conv2d", 32, 3, 3, 0, 1),
                       "conv2d: Conv2D strides must be positive, got 0x1", Error);
  CHECK_THROWS_WITH_AS(Conv2D("conv2d", 32, 3, 3, 1, 0),
                       "conv2d: Conv2D strides must be positive, got 1x0", Error);

  Conv2D flat("conv2d", 32, 3, 3);
  CHECK_THROWS_WITH_AS(
      flat.build({784}, rng),
      "conv2d: Conv2D expects input (None, height, width, channels) but got (None, 784)", Error);
  CHECK_THROWS_WITH_AS(
      flat.build({28, 28, 0}, rng),
      "conv2d: Conv2D expects input (None, height, width, channels) but got (None, 28, 28, 0)",
      Error);

  Conv2D big("conv2d_1", 64, 3, 3);
  CHECK_THROWS_WITH_AS(
      big.build({2, 2, 32}, rng),
      "conv2d_1: kernel 3x3 does not fit input (None, 2, 2, 32) with padding='valid' (the "
      "output would be 0x0)",
      Error);
  Conv2D tall("conv2d_2", 64, 3, 1);
  CHECK_THROWS_WITH_AS(
      tall.build({2, 9, 32}, rng),
      "conv2d_2: kernel 3x1 does not fit input (None, 2, 9, 32) with padding='valid' (the "
      "output would be 0x9)",
      Error);

  Conv2D built("conv2d", 4, 3, 3);
  built.build({5, 5, 1}, rng);
  CHECK_THROWS_WITH_AS(built.forward(Tensor::from_shape({2, 5, 5, 3}), Mode::inference),
                       "conv2d: Conv2D was built for input (None, 5, 5, 1) but got a batch of "
                       "shape (2, 5, 5, 3)",
                       Error);
}
