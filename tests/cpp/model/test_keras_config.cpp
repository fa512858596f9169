#include <doctest/doctest.h>

#include "core/error.hpp"
#include "model/keras_config.hpp"

using namespace convlab;

namespace {

std::unique_ptr<Sequential> build(const std::string& json, std::optional<Shape> fallback = {}) {
  Rng rng(1);
  return model_from_json(json, rng, fallback);
}

const char* kLab = R"({"input_shape": [28, 28, 1], "layers": [
  {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu"}}, "MaxPooling2D",
  {"Conv2D": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}}, "MaxPooling2D",
  "Flatten", {"Dense": {"units": 128, "activation": "relu"}},
  {"Dense": {"units": 10, "activation": "softmax"}}]})";

std::vector<std::string> names(Sequential& m) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < m.size(); ++i) out.push_back(m.layer(i).name());
  return out;
}

}  // namespace

TEST_CASE("layers are numbered per type like Keras unless named") {
  auto m = build(kLab);
  CHECK(names(*m) == std::vector<std::string>{"conv2d", "max_pooling2d", "conv2d_1",
                                              "max_pooling2d_1", "flatten", "dense", "dense_1"});
  CHECK(m->output_shape() == Shape{10});
  CHECK(m->output_shape(3) == Shape{5, 5, 32});
  CHECK(m->name() == "sequential");
  auto named = build(R"({"input_shape": [4], "layers": [{"Dense": {"units": 2}},
    {"Dense": {"units": 2, "name": "dense"}}]})");
  CHECK(names(*named) == std::vector<std::string>{"dense_1", "dense"});
}

TEST_CASE("to_json writes tf.keras's format and reads back to the same model") {
  auto m = build(kLab);
  const std::string json = model_to_json(*m);
  const Json j = Json::parse(json);
  CHECK(j["class_name"] == "Sequential");
  CHECK(j["config"]["layers"][0]["class_name"] == "InputLayer");
  CHECK(j["config"]["layers"][0]["config"]["batch_input_shape"] ==
        Json::parse("[null, 28, 28, 1]"));
  const Json& conv = j["config"]["layers"][1]["config"];
  CHECK(conv["name"] == "conv2d");
  CHECK(conv["kernel_size"] == Json::parse("[3, 3]"));
  CHECK(conv["strides"] == Json::parse("[1, 1]"));
  CHECK(conv["padding"] == "valid");
  CHECK(conv["activation"] == "relu");
  CHECK(j["config"]["layers"][2]["config"]["pool_size"] == Json::parse("[2, 2]"));
  auto again = build(json);
  CHECK(model_to_json(*again) == json);
  CHECK(names(*again) == names(*m));
}

TEST_CASE("Keras 3 configs with batch_shape, module keys and dtype policies load") {
  auto m = build(R"({"module": "keras", "class_name": "Sequential", "config": {"name": "seq",
    "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
    "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 6, 6, 1],
        "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
      {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "c", "trainable": true,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
        "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
        "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": true,
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
        "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
        "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, "registered_name": null},
        "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]}})");
  CHECK(m->output_shape() == Shape{6, 6, 2});
  CHECK(m->params()[0].regularizer.l2 == doctest::Approx(0.01));
}

TEST_CASE("a model without an input shape takes the data's shape, or says it is missing") {
  const char* dnn = R"({"layers": ["Flatten", {"Dense": {"units": 10}}]})";
  CHECK(build(dnn, Shape{28, 28})->output_shape(0) == Shape{784});
  CHECK_THROWS_WITH_AS(build(dnn),
                       "model config: the input shape is missing; give the first layer "
                       "input_shape, e.g. input_shape=(28, 28, 1)",
                       Error);
}

TEST_CASE("config errors name the layer and the problem") {
  auto error_of = [](const std::string& json) {
    try {
      build(json);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(R"({"input_shape": [28, 28, 1], "layers": [{"Conv3D": {"filters": 2}}]})") ==
        "layer 0: unknown layer type 'Conv3D' (did you mean 'Conv2D'?); supported: Conv2D, "
        "MaxPooling2D, Flatten, Dense, Dropout, BatchNormalization, Activation, AveragePooling2D, "
        "GlobalAveragePooling2D, GlobalMaxPooling2D, Rescaling, ZeroPadding2D, Reshape, LeakyReLU, "
        "ELU, ReLU, DepthwiseConv2D, SeparableConv2D");
  CHECK(
      error_of(
          R"({"input_shape": [4], "layers": [{"Dense": {"units": 2, "activation": "relux"}}]})") ==
      "dense: Dense: unknown activation 'relux' (expected one of relu, softmax, sigmoid, tanh, "
      "linear, elu, selu, softplus, softsign, leaky_relu, swish, silu, gelu)");
  CHECK(
      error_of(
          R"({"input_shape": [4], "layers": [{"Dense": {"units": 128, "activatoin": "relu"}}]})") ==
      "dense: Dense: unknown argument 'activatoin' (did you mean 'activation'?)");
  CHECK(error_of(R"({"input_shape": [4], "layers": [{"Dense": {"units": "128"}}]})") ==
        "dense: Dense: argument 'units' must be a positive integer, got \"128\"");
  CHECK(error_of(R"({"input_shape": [4], "layers": [{"Dense": {}}]})") ==
        "dense: Dense: missing required argument 'units'");
  CHECK(error_of(R"({"input_shape": [4], "layers": [{"Dropout": {"rate": -0.5}}]})")
            .find("dropout") == 0);
  CHECK(
      error_of(
          R"({"input_shape": [28, 28, 1], "layers": [{"Conv2D": {"filters": 0, "kernel_size": 3}}]})") ==
      "conv2d: Conv2D: argument 'filters' must be a positive integer, got 0");
  CHECK(error_of(
            R"({"input_shape": [28, 28, 1], "layers": [{"Conv2D": {"filters": 2, "kernel_size": 3,
        "padding": "full"}}]})") ==
        "conv2d: Conv2D: argument 'padding' must be 'valid' or 'same', got \"full\"");
  CHECK(error_of(
            R"({"input_shape": [28, 28, 1], "layers": [{"Conv2D": {"filters": 2, "kernel_size": 3,
        "kernel_initializer": "he_normal"}}]})") ==
        "conv2d: Conv2D: argument 'kernel_initializer' = \"he_normal\" is not supported (convlab "
        "uses "
        "GlorotUniform)");
  CHECK(
      error_of(
          R"({"input_shape": [28, 28, 1], "layers": [{"Conv2D": {"filters": 64, "kernel_size": 3}},
        "MaxPooling2D", {"Dense": {"units": 128}}]})") ==
      "dense: Dense expects a flat input (None, features) but got (None, 13, 13, 64); add a "
      "Flatten() layer before it");
  CHECK(error_of(R"({"input_shape": [4], "layers": [{"Dense": {"units": 2, "name": "d"}},
        {"Dense": {"units": 2, "name": "d"}}]})") == "model config: two layers are named 'd'");
  CHECK(error_of(R"({"input_shape": [4], "layers": []})") ==
        "model: a Sequential model needs at least one layer");
  CHECK(error_of(R"({"input_shape": [4], "layers": [{"Dense": {"units": 2}}], "optimiser": 1})") ==
        "model config: unknown field 'optimiser' (expected name, input_shape, layers)");
  CHECK(error_of(R"({"class_name": "Functional", "config": {}})") ==
        "model config: only Sequential models are supported, got class_name \"Functional\"");
  CHECK(error_of("{\"layers\": [").find("model config: invalid JSON (parse error at line 1") == 0);
  CHECK(error_of(R"({"input_shape": [0, 4], "layers": ["Flatten"]})") ==
        "model config: argument 'input_shape' must hold positive sizes, got [0,4]");
}

TEST_CASE("kernel_regularizer accepts Keras's string, object and terse forms") {
  auto reg = [](const std::string& r) {
    auto m =
        build(R"({"input_shape": [3], "layers": [{"Dense": {"units": 2, "kernel_regularizer": )" +
              r + "}}]}");
    return m->params()[0].regularizer;
  };
  CHECK(reg("\"l2\"").l2 == doctest::Approx(0.01));
  CHECK(reg("\"l1\"").l1 == doctest::Approx(0.01));
  CHECK(reg("\"l1_l2\"").l1 == doctest::Approx(0.01));
  CHECK(reg(R"({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.001}})").l2 ==
        doctest::Approx(0.001));
  CHECK(reg(R"({"l2": 0.5})").l2 == doctest::Approx(0.5));
  CHECK_FALSE(reg("null").active());
  CHECK_THROWS_WITH_AS(
      reg("\"l3\""),
      "dense: Dense: argument 'kernel_regularizer' must be 'l1', 'l2' or 'l1_l2', got 'l3'", Error);
}

TEST_CASE("a layer's error says which layer as data: its position and name") {
  auto layer_of = [](const std::string& json) -> std::pair<std::size_t, std::string> {
    try {
      build(json);
    } catch (const LayerError& e) {
      return {e.index, e.layer};
    }
    return {999, "no LayerError"};
  };
  // An argument the layer refuses (while the layer is made).
  CHECK(
      layer_of(R"({"input_shape": [28, 28, 1], "layers": ["Flatten", {"Dense": {"units": 0}}]})") ==
      std::pair<std::size_t, std::string>{1, "dense"});
  // A kernel larger than its input (while the shapes are worked out), behind an InputLayer.
  CHECK(
      layer_of(
          R"({"layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 5, 1]}},
    {"Conv2D": {"filters": 2, "kernel_size": 3}}, {"Conv2D": {"filters": 2, "kernel_size": 7, "name": "big"}}]})") ==
      std::pair<std::size_t, std::string>{1, "big"});
}
