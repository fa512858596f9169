#include <doctest/doctest.h>

#include "model/keras_config.hpp"
#include "model/summary.hpp"
#include "test_files.hpp"

using namespace convlab;

namespace {
std::string summary_of(const std::string& json) {
  Rng rng(1);
  auto model = model_from_json(json, rng);
  return summary(*model);
}
}  // namespace

TEST_CASE("summary reproduces the course's lab64 table exactly") {
  const std::string json =
      R"({"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
    {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 64, "kernel_size": [3, 3],
      "activation": "relu", "batch_input_shape": [null, 28, 28, 1]}},
    {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d", "pool_size": [2, 2]}},
    {"class_name": "Conv2D", "config": {"name": "conv2d_1", "filters": 64, "kernel_size": [3, 3], "activation": "relu"}},
    {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "pool_size": [2, 2]}},
    {"class_name": "Flatten", "config": {"name": "flatten_1"}},
    {"class_name": "Dense", "config": {"name": "dense_2", "units": 128, "activation": "relu"}},
    {"class_name": "Dense", "config": {"name": "dense_3", "units": 10, "activation": "softmax"}}]}})";
  CHECK(summary_of(json) == testing::fixture("summaries/lab64_seed000.txt"));
}

TEST_CASE("summary reproduces the course's single-convolution table with 693,962 params") {
  const std::string json = R"({"name": "sequential_2", "input_shape": [28, 28, 1], "layers": [
    {"Conv2D": {"name": "conv2d_2", "filters": 32, "kernel_size": 3, "activation": "relu"}},
    {"MaxPooling2D": {"name": "max_pooling2d_2"}},
    {"Flatten": {"name": "flatten_2"}},
    {"Dense": {"name": "dense_4", "units": 128, "activation": "relu"}},
    {"Dense": {"name": "dense_5", "units": 10, "activation": "softmax"}}]})";
  CHECK(summary_of(json) == testing::fixture("summaries/single_conv_seed000.txt"));
}

TEST_CASE("summary counts batch normalization statistics as non-trainable") {
  const std::string text = summary_of(R"({"input_shape": [8, 8, 3], "layers": [
    {"Conv2D": {"filters": 4, "kernel_size": 3}}, "BatchNormalization", "Flatten",
    {"Dense": {"units": 2}}]})");
  // conv 3*3*3*4+4 = 112, BN 4*4 = 16 (8 trainable), dense 6*6*4*2+2 = 290
  CHECK(text.find("Total params: 418\n") != std::string::npos);
  CHECK(text.find("Trainable params: 410\n") != std::string::npos);
  CHECK(text.find("Non-trainable params: 8\n") != std::string::npos);
  CHECK(text.find("batch_normalization (BatchNo (None, 6, 6, 4)") != std::string::npos);
}

TEST_CASE("thousands separators follow Python's format") {
  CHECK(thousands(0) == "0");
  CHECK(thousands(999) == "999");
  CHECK(thousands(1000) == "1,000");
  CHECK(thousands(693962) == "693,962");
  CHECK(thousands(1234567) == "1,234,567");
}
