// Hand-worked cases for the layers of issue 18 (their gradients, threads, allocation and JSON
// round trip are in the conformance table): the values Keras/TensorFlow give.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/activations.hpp"
#include "layers/advanced_activations.hpp"
#include "layers/average_pooling2d.hpp"
#include "layers/conv2d.hpp"
#include "layers/depthwise_conv2d.hpp"
#include "layers/global_pooling2d.hpp"
#include "layers/rescaling.hpp"
#include "layers/reshape.hpp"
#include "layers/separable_conv2d.hpp"
#include "layers/zero_padding2d.hpp"
#include "model/keras_config.hpp"
#include "model/summary.hpp"
#include "tensor_values.hpp"

using namespace convlab;
using convlab::testing::tensor_of;
using convlab::testing::values_of;

namespace {}  // namespace

TEST_CASE("average pooling with 'same' padding divides by the real pixels only, as TensorFlow") {
  Rng rng(1);
  AveragePooling2D layer("average_pooling2d", 2, 2, 2, 2, Padding::same);
  REQUIRE(layer.build({3, 3, 1}, rng) == Shape{2, 2, 1});
  const Tensor x = tensor_of({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  // The padding row and column go after the input: the right and bottom windows are 2x1, 1x2
  // and 1x1, averaged over 2, 2 and 1 pixels, not 4.
  CHECK(values_of(layer.forward(x, Mode::training)) == std::vector<float>{3, 4.5f, 7.5f, 9});
  CHECK(values_of(layer.backward(tensor_of({1, 2, 2, 1}, {1, 2, 3, 4}))) ==
        std::vector<float>{0.25f, 0.25f, 1, 0.25f, 0.25f, 1, 1.5f, 1.5f, 4});
}

TEST_CASE("average pooling 'valid' with strides=None uses the pool size, channels apart") {
  Rng rng(1);
  AveragePooling2D layer("average_pooling2d");
  REQUIRE(layer.build({2, 3, 2}, rng) == Shape{1, 1, 2});
  const Tensor x = tensor_of({1, 2, 3, 2}, {1, 10, 2, 20, 9, 90, 3, 30, 4, 40, 9, 90});
  CHECK(values_of(layer.forward(x, Mode::inference)) == std::vector<float>{2.5f, 25});
  CHECK_THROWS_WITH_AS(
      layer.forward(tensor_of({1, 3, 2, 2}, std::vector<float>(12)), Mode::inference),
      "average_pooling2d: AveragePooling2D was built for input (None, 2, 3, 2) "
      "but got a batch of shape (1, 3, 2, 2)",
      Error);
}

TEST_CASE("global average and max pooling reduce each channel over all pixels") {
  Rng rng(1);
  const Tensor x = tensor_of({1, 2, 2, 2}, {1, 10, 2, 40, 3, 30, 4, 20});
  GlobalPooling2D average("global_average_pooling2d", GlobalPooling2D::Kind::average);
  REQUIRE(average.build({2, 2, 2}, rng) == Shape{2});
  CHECK(values_of(average.forward(x, Mode::training)) == std::vector<float>{2.5f, 25});
  CHECK(values_of(average.backward(tensor_of({1, 2}, {4, 8}))) ==
        std::vector<float>{1, 2, 1, 2, 1, 2, 1, 2});
  GlobalPooling2D max("global_max_pooling2d", GlobalPooling2D::Kind::max);
  max.build({2, 2, 2}, rng);
  CHECK(values_of(max.forward(x, Mode::training)) == std::vector<float>{4, 40});
  CHECK(values_of(max.backward(tensor_of({1, 2}, {5, 7}))) ==
        std::vector<float>{0, 0, 0, 7, 0, 0, 5, 0});
  CHECK(std::string(max.class_name()) == "GlobalMaxPooling2D");
  CHECK_THROWS_WITH_AS(average.build({4}, rng),
                       "global_average_pooling2d: GlobalAveragePooling2D expects input (None, "
                       "height, width, channels) but got (None, 4)",
                       Error);
}

TEST_CASE("zero padding adds rows above and below, columns left and right; backward crops") {
  Rng rng(1);
  ZeroPadding2D layer("zero_padding2d", {1, 0, 0, 1});
  REQUIRE(layer.build({2, 2, 1}, rng) == Shape{3, 3, 1});
  const Tensor y = layer.forward(tensor_of({1, 2, 2, 1}, {1, 2, 3, 4}), Mode::training);
  CHECK(values_of(y) == std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0});
  CHECK(values_of(layer.backward(tensor_of({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}))) ==
        std::vector<float>{4, 5, 7, 8});
  CHECK(layer.config().dump() == R"({"padding":[[1,0],[0,1]],"data_format":"channels_last"})");
}

TEST_CASE("reshape infers its -1, keeps the values in order and refuses a size that differs") {
  Rng rng(1);
  Reshape layer("reshape", {0, 3});
  REQUIRE(layer.build({2, 3, 2}, rng) == Shape{4, 3});
  CHECK(layer.config().dump() == R"({"target_shape":[4,3]})");  // resolved, for TF.js
  Reshape wrong("reshape_1", {2, 0});
  CHECK_THROWS_WITH_AS(wrong.build({5}, rng),
                       "reshape_1: Reshape cannot reshape input (None, 5) (5 values) to "
                       "target_shape (2, -1)",
                       Error);
  Reshape fixed("reshape_2", {7});
  CHECK_THROWS_WITH_AS(fixed.build({2, 3}, rng),
                       "reshape_2: Reshape cannot reshape input (None, 2, 3) (6 values) to "
                       "target_shape (7,)",
                       Error);
}

TEST_CASE("rescaling multiplies by scale and adds offset; its gradient is the scale") {
  Rng rng(1);
  Rescaling layer("rescaling", 0.5f, 1.0f);
  layer.build({2}, rng);
  CHECK(values_of(layer.forward(tensor_of({1, 2}, {2, -4}), Mode::training)) ==
        std::vector<float>{2, -1});
  CHECK(values_of(layer.backward(tensor_of({1, 2}, {2, 6}))) == std::vector<float>{1, 3});
}

TEST_CASE("LeakyReLU, ELU and ReLU follow Keras's formulas and defaults") {
  Rng rng(1);
  const Tensor x = tensor_of({1, 4}, {-1, 0.5f, 3, 8});
  LeakyReLU leaky("leaky_re_lu");  // alpha 0.3
  leaky.build({4}, rng);
  CHECK(values_of(leaky.forward(x, Mode::training)) == std::vector<float>{-0.3f, 0.5f, 3, 8});
  CHECK(values_of(leaky.backward(tensor_of({1, 4}, {1, 1, 1, 1}))) ==
        std::vector<float>{0.3f, 1, 1, 1});
  ELU elu("elu");  // alpha 1
  elu.build({4}, rng);
  CHECK(elu.forward(x, Mode::training).data()[0] == doctest::Approx(std::exp(-1.0) - 1.0));
  ReLU relu("re_lu", 6.0f, 0.1f, 1.0f);  // max_value, negative_slope, threshold
  relu.build({4}, rng);
  const auto y = values_of(relu.forward(x, Mode::training));
  CHECK(y[0] == doctest::Approx(-0.2));
  CHECK(y[1] == doctest::Approx(-0.05));
  CHECK(y[2] == 3);
  CHECK(y[3] == 6);
  CHECK(values_of(relu.backward(tensor_of({1, 4}, {1, 1, 1, 1}))) ==
        std::vector<float>{0.1f, 0.1f, 1, 0});
  CHECK(relu.config().dump() == R"({"max_value":6.0,"negative_slope":0.1,"threshold":1.0})");
}

TEST_CASE("the activation names Keras accepts give Keras's values") {
  auto apply = [](const char* name, float x) {
    std::vector<float> keep;
    activation_forward(activation_from_name(name, "test"), &x, 1, 1, &keep);
    return double(x);
  };
  CHECK(apply("elu", -1) == doctest::Approx(std::expm1(-1.0)));
  CHECK(apply("selu", -1) ==
        doctest::Approx(1.0507009873554805 * 1.6732632423543772 * std::expm1(-1.0)));
  CHECK(apply("selu", 2) == doctest::Approx(2 * 1.0507009873554805));
  CHECK(apply("softplus", 0) == doctest::Approx(std::log(2.0)));
  CHECK(apply("softplus", 100) == doctest::Approx(100));  // no overflow
  CHECK(apply("softsign", 1) == doctest::Approx(0.5));
  CHECK(apply("leaky_relu", -1) == doctest::Approx(-0.2));
  CHECK(apply("swish", 1) == doctest::Approx(1 / (1 + std::exp(-1.0))));
  CHECK(apply("silu", -2) == doctest::Approx(-2 / (1 + std::exp(2.0))));
  CHECK(apply("gelu", 1) == doctest::Approx(0.8413447460685429));  // x * Phi(x), exact erf form
  CHECK(std::string(activation_name(activation_from_name("silu", "test"))) == "swish");
  CHECK(std::string(activation_name(activation_from_name("softsign", "test"))) == "softsign");
}

TEST_CASE("summary rows of the new layers: Keras's base names, output shapes and no params") {
  Rng rng(1);
  auto model = model_from_json(R"({"name": "sequential", "input_shape": [28, 28, 1], "layers": [
    {"Rescaling": {"scale": 0.00392156862745098}}, "ZeroPadding2D",
    {"Conv2D": {"filters": 8, "kernel_size": 3}}, "LeakyReLU", "AveragePooling2D", "ReLU", "ELU",
    "GlobalAveragePooling2D", {"Reshape": {"target_shape": [2, 4]}}, "Flatten",
    {"Dense": {"units": 10, "activation": "softmax"}}]})",
                               rng);
  const std::string s = summary(*model);
  for (const std::string row : {"rescaling (Rescaling)        (None, 28, 28, 1)         0",
                                "zero_padding2d (ZeroPadding2 (None, 30, 30, 1)         0",
                                "conv2d (Conv2D)              (None, 28, 28, 8)         80",
                                "leaky_re_lu (LeakyReLU)      (None, 28, 28, 8)         0",
                                "average_pooling2d (AveragePo (None, 14, 14, 8)         0",
                                "re_lu (ReLU)                 (None, 14, 14, 8)         0",
                                "elu (ELU)                    (None, 14, 14, 8)         0",
                                "global_average_pooling2d (Gl (None, 8)                 0",
                                "reshape (Reshape)            (None, 2, 4)              0",
                                "dense (Dense)                (None, 10)                90"}) {
    CAPTURE(row);
    CHECK(s.find(row) != std::string::npos);
  }
  CHECK(s.find("Total params: 170") != std::string::npos);
}

TEST_CASE("depthwise convolution equals Conv2D with a block-diagonal kernel, the plain reference") {
  for (auto padding : {Padding::valid, Padding::same}) {
    CAPTURE(padding == Padding::same);
    Rng rng(3);
    const int C = 3, M = 2;
    DepthwiseConv2D depthwise("depthwise_conv2d", 3, 2, 2, 1, padding, M, ActivationFn::tanh);
    Conv2D reference("conv2d", C * M, 3, 2, 2, 1, padding, ActivationFn::tanh);
    REQUIRE(depthwise.build({6, 5, C}, rng) == reference.build({6, 5, C}, rng));
    Tensor& k = *depthwise.params()[0].value;     // (3, 2, C, M)
    Tensor& full = *reference.params()[0].value;  // (3, 2, C, C * M)
    std::fill(full.begin(), full.end(), 0.0f);
    for (std::size_t ky = 0; ky < 3; ++ky)
      for (std::size_t kx = 0; kx < 2; ++kx)
        for (int c = 0; c < C; ++c)
          for (int m = 0; m < M; ++m) full(ky, kx, c, c * M + m) = k(ky, kx, c, m);
    *depthwise.params()[1].value = testing::random_tensor({std::size_t(C * M)}, rng);
    *reference.params()[1].value = *depthwise.params()[1].value;
    const Tensor x = testing::random_tensor({2, 6, 5, C}, rng);
    const Tensor y = depthwise.forward(x, Mode::inference);
    const Tensor want = reference.forward(x, Mode::inference);
    REQUIRE(y.size() == want.size());
    for (std::size_t i = 0; i < y.size(); ++i)
      CHECK(y.data()[i] == doctest::Approx(want.data()[i]).epsilon(1e-5));
  }
}

TEST_CASE("separable convolution equals its depthwise step followed by a 1x1 Conv2D") {
  Rng rng(4);
  SeparableConv2D separable("separable_conv2d", 4, 3, 3, 1, 1, Padding::same, 2,
                            ActivationFn::relu);
  DepthwiseConv2D depthwise("depthwise_conv2d", 3, 3, 1, 1, Padding::same, 2, ActivationFn::linear,
                            false);
  Conv2D pointwise("conv2d", 4, 1, 1, 1, 1, Padding::valid, ActivationFn::relu);
  REQUIRE(separable.build({5, 4, 2}, rng) == Shape{5, 4, 4});
  pointwise.build(depthwise.build({5, 4, 2}, rng), rng);
  auto p = separable.params();
  REQUIRE(p.size() == 3);
  CHECK(p[0].name == "depthwise_kernel");
  CHECK(p[1].name == "pointwise_kernel");
  CHECK(p[1].value->shape()[2] == 4);  // (1, 1, C * M, F)
  *depthwise.params()[0].value = *p[0].value;
  *pointwise.params()[0].value = *p[1].value;
  *p[2].value = testing::random_tensor({4}, rng);
  *pointwise.params()[1].value = *p[2].value;
  const Tensor x = testing::random_tensor({2, 5, 4, 2}, rng);
  const Tensor y = separable.forward(x, Mode::inference);
  const Tensor want = pointwise.forward(depthwise.forward(x, Mode::inference), Mode::inference);
  REQUIRE(y.size() == want.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    CHECK(y.data()[i] == doctest::Approx(want.data()[i]).epsilon(1e-5));
}

TEST_CASE("depthwise and separable summary rows and parameter counts match Keras") {
  Rng rng(1);
  auto model = model_from_json(R"({"input_shape": [28, 28, 1], "layers": [
    {"DepthwiseConv2D": {"kernel_size": 3, "depth_multiplier": 2}},
    {"SeparableConv2D": {"filters": 8, "kernel_size": 3, "padding": "same"}}, "Flatten"]})",
                               rng);
  const std::string s = summary(*model);
  // 3*3*1*2 + 2 = 20; 3*3*2 + 2*8 + 8 = 42
  CHECK(s.find("depthwise_conv2d (DepthwiseC (None, 26, 26, 2)         20") != std::string::npos);
  CHECK(s.find("separable_conv2d (SeparableC (None, 26, 26, 8)         42") != std::string::npos);
}
