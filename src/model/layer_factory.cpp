#include "model/layer_factory.hpp"

#include <map>

#include "core/error.hpp"
#include "layers/activation.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/flatten.hpp"
#include "layers/max_pooling2d.hpp"

namespace convlab {
namespace {

const std::map<std::string, std::string> kBaseNames{{"Conv2D", "conv2d"},
                                                    {"Convolution2D", "conv2d"},
                                                    {"MaxPooling2D", "max_pooling2d"},
                                                    {"MaxPool2D", "max_pooling2d"},
                                                    {"Flatten", "flatten"},
                                                    {"Dense", "dense"},
                                                    {"Dropout", "dropout"},
                                                    {"BatchNormalization", "batch_normalization"},
                                                    {"Activation", "activation"}};

void keras_defaults(LayerArgs& args, bool with_bias) {
  args.only("data_format", {"channels_last"});
  args.initializer("kernel_initializer", "GlorotUniform");
  if (with_bias) args.initializer("bias_initializer", "Zeros");
  for (const char* key : {"bias_regularizer", "activity_regularizer", "kernel_constraint",
                          "bias_constraint", "lora_rank"})
    args.only(key, {});
}

std::unique_ptr<Layer> conv2d(const std::string& name, LayerArgs& args) {
  const int filters = args.positive_int("filters");
  const auto [kh, kw] = args.int_pair("kernel_size", std::nullopt);
  const auto [sh, sw] = args.int_pair("strides", std::pair{1, 1});
  const Padding padding = args.padding();
  const ActivationFn activation = args.activation();
  const bool use_bias = args.boolean("use_bias", true);
  const Regularizer reg = args.regularizer("kernel_regularizer");
  args.only("dilation_rate", {1, Json::array({1, 1})});
  args.only("groups", {1});
  keras_defaults(args, true);
  return std::make_unique<Conv2D>(name, filters, kh, kw, sh, sw, padding, activation, use_bias,
                                  reg);
}

std::unique_ptr<Layer> max_pooling2d(const std::string& name, LayerArgs& args) {
  const auto [ph, pw] = args.int_pair("pool_size", std::pair{2, 2});
  const auto [sh, sw] = args.int_pair_or_null("strides", std::pair{ph, pw});
  const Padding padding = args.padding();
  args.only("data_format", {"channels_last"});
  return std::make_unique<MaxPooling2D>(name, ph, pw, sh, sw, padding);
}

std::unique_ptr<Layer> dense(const std::string& name, LayerArgs& args) {
  const int units = args.positive_int("units");
  const ActivationFn activation = args.activation();
  const bool use_bias = args.boolean("use_bias", true);
  const Regularizer reg = args.regularizer("kernel_regularizer");
  keras_defaults(args, true);
  return std::make_unique<Dense>(name, units, activation, use_bias, reg);
}

std::unique_ptr<Layer> batch_normalization(const std::string& name, LayerArgs& args) {
  args.only("axis", {-1, 3, Json::array({3}), Json::array({-1}), 1, Json::array({1})});
  const float momentum = args.number("momentum", 0.99f);
  const float epsilon = args.number("epsilon", 1e-3f);
  args.only("center", {true});
  args.only("scale", {true});
  args.initializer("beta_initializer", "Zeros");
  args.initializer("gamma_initializer", "Ones");
  args.initializer("moving_mean_initializer", "Zeros");
  args.initializer("moving_variance_initializer", "Ones");
  for (const char* key :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
        "synchronized", "renorm", "virtual_batch_size", "adjustment", "fused"})
    args.only(key, {false});
  return std::make_unique<BatchNormalization>(name, momentum, epsilon);
}

}  // namespace

std::string keras_base_name(const std::string& class_name, std::size_t index) {
  auto it = kBaseNames.find(class_name);
  if (it != kBaseNames.end()) return it->second;
  std::string hint;
  for (auto& [known, base] : kBaseNames)
    if (edit_distance(class_name, known) <= 2) hint = " (did you mean '" + known + "'?)";
  throw Error("layer " + std::to_string(index) + ": unknown layer type '" + class_name + "'" +
              hint +
              "; supported: Conv2D, MaxPooling2D, Flatten, Dense, Dropout, "
              "BatchNormalization, Activation");
}

std::unique_ptr<Layer> make_layer(const std::string& class_name, const std::string& name,
                                  LayerArgs& args) {
  std::unique_ptr<Layer> layer;
  if (class_name == "Conv2D" || class_name == "Convolution2D") {
    layer = conv2d(name, args);
  } else if (class_name == "MaxPooling2D" || class_name == "MaxPool2D") {
    layer = max_pooling2d(name, args);
  } else if (class_name == "Flatten") {
    args.only("data_format", {"channels_last"});
    layer = std::make_unique<Flatten>(name);
  } else if (class_name == "Dense") {
    layer = dense(name, args);
  } else if (class_name == "Dropout") {
    args.only("noise_shape", {});
    args.only("seed", {});
    const float rate = args.number("rate", -1.0f);
    if (!args.has("rate")) args.fail("missing required argument 'rate'");
    layer = std::make_unique<Dropout>(name, rate);
  } else if (class_name == "BatchNormalization") {
    layer = batch_normalization(name, args);
  } else if (class_name == "Activation") {
    if (!args.has("activation")) args.fail("missing required argument 'activation'");
    layer = std::make_unique<Activation>(name, args.activation());
  } else {
    keras_base_name(class_name, 0);  // throws the unknown-type error
  }
  args.finish();
  return layer;
}

}  // namespace convlab
