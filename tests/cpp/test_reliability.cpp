// Bad input that must be refused with a message naming the layer, field or file, before any
// damage: models too large for memory, kernels that do not fit, TF.js weights that do not match
// the model, and loads that fail halfway (the model must be left exactly as it was).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>

#include "core/error.hpp"
#include "error_of.hpp"
#include "model/keras_config.hpp"
#include "test_models.hpp"
#include "trainer.hpp"

using namespace convlab;

using convlab::testing::error_of;

namespace {

std::string build_error(const std::string& json) {
  return error_of([&] {
    Rng rng(1);
    model_from_json(json, rng);
  });
}

const char* kSmallModel = R"({"input_shape": [6, 6, 1], "layers": [
  {"Conv2D": {"filters": 2, "kernel_size": 3, "activation": "relu"}},
  "BatchNormalization", "MaxPooling2D", "Flatten",
  {"Dense": {"units": 3, "activation": "softmax"}}]})";

// The TF.js artifacts of a trainer: the manifest list and the weights as bytes.
std::pair<std::string, std::vector<uint8_t>> artifacts(Trainer& t) {
  Json weights = Json::parse(t.weights_manifest());
  for (auto& w : weights) w["dtype"] = "float32";
  Json manifest = Json::array({{{"paths", {"weights.bin"}}, {"weights", weights}}});
  const auto values = t.get_weights();
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return {manifest.dump(), bytes};
}

}  // namespace

TEST_CASE("a model too large for memory is refused with its size, before allocating") {
  // 784 x 2^24 Dense kernel: 13 billion weights, about 200 GB with gradients and Adam slots.
  const std::string huge = build_error(R"({"input_shape": [28, 28, 1], "layers": ["Flatten",
    {"Dense": {"units": 16777216}}]})");
  CHECK(huge.rfind("model: needs about ", 0) == 0);
  CHECK(huge.find(" MB of memory for weights and activations at batch 32, more than the 1024 MB "
                  "limit") != std::string::npos);
  const double mb = std::stod(huge.substr(std::strlen("model: needs about ")));
  CHECK(mb > 200000);  // 784 * 2^24 * 4 floats * 4 bytes = 210 GB
  CHECK(mb < 240000);

  // An input whose element count wraps size_t around to zero must not pass for "empty".
  CHECK(build_error(R"({"input_shape": [65536, 65536, 65536, 65536], "layers": ["Flatten"]})") ==
        "model: needs more than 10^15 MB of memory for weights and activations at batch 32, more "
        "than the 1024 MB limit");
  // Activations count too: a big input at batch 32.
  CHECK(build_error(R"({"input_shape": [4096, 4096, 3], "layers": [
    {"Conv2D": {"filters": 64, "kernel_size": 3}}]})")
            .rfind("model: needs ", 0) == 0);
}

TEST_CASE("the memory estimate for the lab model lies between its weights and 64 MB") {
  // 104,938 weights x 4 copies, plus batch-32 buffers (conv2's im2col alone: 32*11*11*288).
  const double weights_bytes = 104938.0 * 4 * 4;
  // Read the estimate through a tighter limit: 2 MB is too little, and it is well under 64 MB.
  set_model_memory_limit_mb(2);
  const std::string small = build_error(testing::kLabModel);
  set_model_memory_limit_mb(kDefaultModelMemoryLimitMb);
  CHECK(small.rfind("model: needs about ", 0) == 0);
  const double mb = std::stod(small.substr(std::strlen("model: needs about ")));
  CHECK(mb * 1024 * 1024 > weights_bytes);
  CHECK(mb < 64);
  CHECK(build_error(testing::kLabModel) == "no error");
}

TEST_CASE("kernels and pools larger than their input say so, with the output size") {
  CHECK(build_error(R"({"input_shape": [3, 3, 1], "layers": [
    {"Conv2D": {"filters": 2, "kernel_size": 5}}]})") ==
        "conv2d: kernel 5x5 does not fit input (None, 3, 3, 1) with padding='valid' (the output "
        "would be -1x-1)");
  CHECK(build_error(R"({"input_shape": [28, 28, 1], "layers": [
    {"Conv2D": {"filters": 2, "kernel_size": 3}}, "MaxPooling2D",
    {"Conv2D": {"filters": 2, "kernel_size": 3}}, "MaxPooling2D",
    {"Conv2D": {"filters": 2, "kernel_size": 3}}, "MaxPooling2D",
    {"Conv2D": {"filters": 2, "kernel_size": 3}}]})") ==
        "conv2d_3: kernel 3x3 does not fit input (None, 1, 1, 2) with padding='valid' (the output "
        "would be -1x-1)");
  CHECK(build_error(R"({"input_shape": [1, 1, 1], "layers": [
    {"MaxPooling2D": {"pool_size": 2}}]})") ==
        "max_pooling2d: pool 2x2 does not fit input (None, 1, 1, 1) with padding='valid' (the "
        "output would be 0x0)");
  // 'same' padding with a huge stride: the window arithmetic must not overflow int.
  Rng rng(1);
  auto m = model_from_json(R"({"input_shape": [28, 28, 1], "layers": [
    {"Conv2D": {"filters": 1, "kernel_size": 1, "strides": 16777216, "padding": "same"}}]})",
                           rng);
  CHECK(m->output_shape() == Shape{1, 1, 1});
}

TEST_CASE("bad layer arguments name the layer and the field") {
  CHECK(build_error(R"({"input_shape": [4], "layers": [{"Dropout": {"rate": 1.0}}]})") ==
        "dropout: Dropout rate must be in [0, 1), got 1");
  CHECK(build_error(R"({"input_shape": [4], "layers": [{"Dense": {"units": 0}}]})") ==
        "dense: Dense: argument 'units' must be a positive integer, got 0");
  CHECK(build_error(R"({"input_shape": [4], "layers": [{"Dense": {"units": 2.5}}]})") ==
        "dense: Dense: argument 'units' must be a positive integer, got 2.5");
  CHECK(build_error(
            R"({"input_shape": [4], "layers": [{"Dense": {"units": 2, "use_bias": "no"}}]})") ==
        "dense: Dense: argument 'use_bias' must be true or false, got \"no\"");
  CHECK(build_error(
            R"({"input_shape": [4], "layers": [{"Dense": {"units": 2, "activation": 3}}]})") ==
        "dense: Dense: argument 'activation' must be an activation name, got 3");
  CHECK(build_error(R"({"input_shape": [8, 8, 1], "layers": [{"Conv2D": {"filters": 2,
    "kernel_size": [3, -1]}}]})") ==
        "conv2d: Conv2D: argument 'kernel_size' must be a positive integer or a pair of them, got "
        "[3,-1]");
}

TEST_CASE("an initializer object without class_name is refused, not read past (fuzzer find)") {
  CHECK(build_error(R"({"input_shape": [4], "layers": [{"Dense": {"units": 2,
    "kernel_initializer": {}}}]})") ==
        "dense: Dense: argument 'kernel_initializer' = {} is not supported (convlab uses "
        "GlorotUniform)");
}

TEST_CASE("a number past double's range is invalid JSON, not a crash (fuzzer find)") {
  CHECK(build_error(R"({"input_shape": [1e999], "layers": ["Flatten"]})") ==
        "model config: invalid JSON (number overflow parsing '1e999')");
  Trainer t(kSmallModel, 1);
  CHECK(error_of([&] { t.load_weights("[94.99E99994]", nullptr, 0); }) ==
        "weights manifest: invalid JSON (number overflow parsing '94.99E99994')");
}

TEST_CASE("TF.js weights load by name, with or without a model prefix and :0") {
  Trainer a(kSmallModel, 1), b(kSmallModel, 2);
  auto [manifest, bytes] = artifacts(a);
  REQUIRE(a.get_weights() != b.get_weights());
  b.load_weights(manifest, bytes.data(), bytes.size());
  CHECK(a.get_weights() == b.get_weights());

  // A whole model.json, names as Keras 3 / tensorflowjs_converter may write them, and the
  // weights listed in another order than the model's.
  Json list = Json::parse(manifest);
  Json& w = list[0]["weights"];
  for (auto& entry : w) entry["name"] = "sequential/" + entry["name"].get<std::string>() + ":0";
  std::swap(w[0], w[1]);
  std::vector<uint8_t> swapped(bytes.size());
  const std::size_t kernel = 3 * 3 * 1 * 2 * 4, bias = 2 * 4;
  std::memcpy(swapped.data(), bytes.data() + kernel, bias);
  std::memcpy(swapped.data() + bias, bytes.data(), kernel);
  std::memcpy(swapped.data() + kernel + bias, bytes.data() + kernel + bias,
              bytes.size() - kernel - bias);
  Trainer c(kSmallModel, 3);
  c.load_weights(Json{{"format", "layers-model"}, {"weightsManifest", list}}.dump(), swapped.data(),
                 swapped.size());
  CHECK(c.get_weights() == a.get_weights());
}

TEST_CASE("bad TF.js weights are refused naming the weight or file, and change nothing") {
  Trainer a(kSmallModel, 1), t(kSmallModel, 2);
  const auto art = artifacts(a);  // not a structured binding: lambdas below capture these
  const std::string& manifest = art.first;
  const std::vector<uint8_t>& bytes = art.second;
  const auto before = t.get_weights();
  auto load = [&](const std::string& m, const std::vector<uint8_t>& b) {
    return error_of([&] { t.load_weights(m, b.data(), b.size()); });
  };
  auto edited = [&](const std::function<void(Json&)>& f) {
    Json j = Json::parse(manifest);
    f(j);
    return j.dump();
  };
  CHECK(load("{not json", bytes).rfind("weights manifest: invalid JSON (parse error", 0) == 0);
  CHECK(load("{}", bytes) == "weights manifest: model.json has no 'weightsManifest' field");
  CHECK(load(manifest, std::vector<uint8_t>(bytes.begin(), bytes.end() - 4)) ==
        "weights.bin: " + std::to_string(bytes.size() - 4) + " bytes but the manifest describes " +
            std::to_string(bytes.size() / 4) + " float32 values (" + std::to_string(bytes.size()) +
            " bytes)");
  CHECK(load(edited([](Json& j) { j[0]["weights"][0]["name"] = "conv2d/kernal"; }), bytes) ==
        "weights manifest: weight 'conv2d/kernal' is not in the model (its weights: "
        "conv2d/kernel, conv2d/bias, batch_normalization/gamma, batch_normalization/beta, "
        "batch_normalization/moving_mean, batch_normalization/moving_variance, dense/kernel, "
        "dense/bias)");
  CHECK(load(edited([](Json& j) {
               j[0]["weights"][0]["shape"] = {3, 3, 1, 4};
             }),
             bytes) ==
        "weights manifest: weight 'conv2d/kernel' has shape [3,3,1,4] but the model's "
        "conv2d/kernel is [3, 3, 1, 2]");
  CHECK(load(edited([](Json& j) { j[0]["weights"].erase(7); }), bytes) ==
        "weights manifest: the model's weight 'dense/bias' is missing");
  CHECK(load(edited([](Json& j) { j[0]["weights"][1] = j[0]["weights"][0]; }), bytes) ==
        "weights manifest: weight 'conv2d/kernel': conv2d/kernel is given twice");
  CHECK(load(edited([](Json& j) { j[0]["weights"][2]["dtype"] = "int32"; }), bytes) ==
        "weights manifest: weight 'batch_normalization/gamma' has dtype \"int32\" (only float32 "
        "is supported)");
  std::vector<uint8_t> nan = bytes;
  const float q = std::nanf("");
  std::memcpy(nan.data() + 4 * 18, &q, 4);  // the conv bias follows 3*3*1*2 kernel values
  CHECK(load(manifest, nan) == "weights.bin: weight 'conv2d/bias' holds NaN at index 0");
  CHECK(t.get_weights() == before);  // nothing above changed a single weight
}

TEST_CASE("a failed set_data or start_training keeps the data and cursor in use") {
  Trainer t(kSmallModel, 1);
  t.compile("adam", "sparse_categorical_crossentropy");
  t.set_data("train",
             Dataset::from_floats(std::vector<float>(4 * 36, 0.5f), {0, 1, 2, 0}, 4, 36, 1));
  CHECK(error_of([&] {
          t.set_data("train", Dataset::from_floats(std::vector<float>(784), {1}, 1, 784, 1));
        }) ==
        "data 'train': samples have 784 values but the model's input (None, 6, 6, 1) needs 36");
  CHECK(error_of([&] { t.start_training(0, true); }) == "train: batch_size must be at least 1");
  t.start_training(2, false);
  const StepStats s = t.train_step();
  CHECK(s.batches == 2);  // the 4-sample set is still there
  CHECK(s.size == 2);
}

TEST_CASE("a NaN loss stops the step and keeps the last good weights") {
  Trainer t(kSmallModel, 1);
  t.compile("adam", "sparse_categorical_crossentropy");
  std::vector<float> x(2 * 36, 0.5f), y{0, 1};
  t.train_on_batch(x.data(), y.data(), 2, 2);
  const auto good = t.get_weights();
  x[5] = std::nanf("");
  CHECK(error_of([&] { t.train_on_batch(x.data(), y.data(), 2, 2); }) ==
        "training: the loss is NaN; this batch's update was skipped, so the weights are the last "
        "good ones");
  CHECK(t.get_weights() == good);
  x[5] = INFINITY;
  CHECK(error_of([&] { t.train_on_batch(x.data(), y.data(), 2, 2); }).find("the loss is") !=
        std::string::npos);
  CHECK(t.get_weights() == good);
}

TEST_CASE("learning rates <= 0 or NaN are refused, and the old rate is kept") {
  Trainer t(kSmallModel, 1);
  CHECK(error_of([&] {
          t.compile(R"({"class_name": "Adam", "config": {"learning_rate": 0}})",
                    "sparse_categorical_crossentropy");
        }).find("learning_rate") != std::string::npos);
  t.compile("sgd", "sparse_categorical_crossentropy");
  for (float bad : {0.0f, -0.1f, std::nanf(""), INFINITY})
    CHECK(error_of([&] { t.set_learning_rate(bad); }).find("learning_rate") != std::string::npos);
  CHECK(t.learning_rate() == doctest::Approx(0.01));
}
