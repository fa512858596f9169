#include "model/layer_catalog.hpp"

#include <tuple>

#include "core/error.hpp"
#include "layers/activation.hpp"
#include "layers/advanced_activations.hpp"
#include "layers/average_pooling2d.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/depthwise_conv2d.hpp"
#include "layers/dropout.hpp"
#include "layers/flatten.hpp"
#include "layers/global_pooling2d.hpp"
#include "layers/max_pooling2d.hpp"
#include "layers/rescaling.hpp"
#include "layers/reshape.hpp"
#include "layers/separable_conv2d.hpp"
#include "layers/zero_padding2d.hpp"

namespace convlab {
namespace {

using Names = std::vector<std::string>;

// Keras's trailing weight arguments of Conv2D and Dense.
Names with_kernel_args(Names names) {
  for (const char* key :
       {"kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint"})
    names.push_back(key);
  return names;
}

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

std::unique_ptr<Layer> flatten(const std::string& name, LayerArgs& args) {
  args.only("data_format", {"channels_last"});
  return std::make_unique<Flatten>(name);
}

std::unique_ptr<Layer> dropout(const std::string& name, LayerArgs& args) {
  args.only("noise_shape", {});
  args.only("seed", {});
  const float rate = args.number("rate", -1.0f);
  if (!args.has("rate")) args.fail("missing required argument 'rate'");
  return std::make_unique<Dropout>(name, rate);
}

std::unique_ptr<Layer> activation(const std::string& name, LayerArgs& args) {
  if (!args.has("activation")) args.fail("missing required argument 'activation'");
  return std::make_unique<Activation>(name, args.activation());
}

std::unique_ptr<Layer> average_pooling2d(const std::string& name, LayerArgs& args) {
  const auto [ph, pw] = args.int_pair("pool_size", std::pair{2, 2});
  const auto [sh, sw] = args.int_pair_or_null("strides", std::pair{ph, pw});
  const Padding padding = args.padding();
  args.only("data_format", {"channels_last"});
  return std::make_unique<AveragePooling2D>(name, ph, pw, sh, sw, padding);
}

template <GlobalPooling2D::Kind kind>
std::unique_ptr<Layer> global_pooling2d(const std::string& name, LayerArgs& args) {
  args.only("data_format", {"channels_last"});
  args.only("keepdims", {false});
  return std::make_unique<GlobalPooling2D>(name, kind);
}

std::unique_ptr<Layer> rescaling(const std::string& name, LayerArgs& args) {
  if (!args.has("scale")) args.fail("missing required argument 'scale'");
  const float scale = args.number("scale", 1.0f);
  return std::make_unique<Rescaling>(name, scale, args.number("offset", 0.0f));
}

std::unique_ptr<Layer> zero_padding2d(const std::string& name, LayerArgs& args) {
  args.only("data_format", {"channels_last"});
  return std::make_unique<ZeroPadding2D>(name, args.padding_amounts("padding", 1));
}

std::unique_ptr<Layer> reshape(const std::string& name, LayerArgs& args) {
  return std::make_unique<Reshape>(name, args.target_shape("target_shape"));
}

// tf.keras 2 writes alpha, Keras 3 negative_slope (and still reads alpha).
std::unique_ptr<Layer> leaky_relu(const std::string& name, LayerArgs& args) {
  if (args.has("alpha") && args.has("negative_slope"))
    args.fail("give alpha or negative_slope, not both");
  const float alpha = args.number("alpha", 0.3f);
  return std::make_unique<LeakyReLU>(name, args.number("negative_slope", alpha));
}

std::unique_ptr<Layer> elu(const std::string& name, LayerArgs& args) {
  return std::make_unique<ELU>(name, args.number("alpha", 1.0f));
}

std::unique_ptr<Layer> relu(const std::string& name, LayerArgs& args) {
  std::optional<float> max_value;
  if (args.has("max_value") && !args.is_null("max_value"))
    max_value = args.number("max_value", 0.0f);
  else
    args.only("max_value", {});
  const float slope = args.number("negative_slope", 0.0f);
  return std::make_unique<ReLU>(name, max_value, slope, args.number("threshold", 0.0f));
}

// What DepthwiseConv2D and SeparableConv2D read alike; `weights` names their kernels.
struct Separable {
  int kh, kw, sh, sw;
  Padding padding;
  int depth_multiplier;
  ActivationFn activation;
  bool use_bias;
};

Separable separable_args(LayerArgs& args, const std::vector<const char*>& weights) {
  Separable s{};
  std::tie(s.kh, s.kw) = args.int_pair("kernel_size", std::nullopt);
  std::tie(s.sh, s.sw) = args.int_pair("strides", std::pair{1, 1});
  s.padding = args.padding();
  s.depth_multiplier = args.positive_int("depth_multiplier", 1);
  s.activation = args.activation();
  s.use_bias = args.boolean("use_bias", true);
  args.only("data_format", {"channels_last"});
  args.only("dilation_rate", {1, Json::array({1, 1})});
  args.initializer("bias_initializer", "Zeros");
  for (const char* kernel : weights) {
    const std::string w(kernel);
    args.initializer(w + "_initializer", "GlorotUniform");
    args.only(w + "_regularizer", {});
    args.only(w + "_constraint", {});
  }
  for (const char* key : {"bias_regularizer", "activity_regularizer", "bias_constraint"})
    args.only(key, {});
  return s;
}

std::unique_ptr<Layer> depthwise_conv2d(const std::string& name, LayerArgs& args) {
  const Separable s = separable_args(args, {"depthwise"});
  return std::make_unique<DepthwiseConv2D>(name, s.kh, s.kw, s.sh, s.sw, s.padding,
                                           s.depth_multiplier, s.activation, s.use_bias);
}

std::unique_ptr<Layer> separable_conv2d(const std::string& name, LayerArgs& args) {
  const int filters = args.positive_int("filters");
  const Separable s = separable_args(args, {"depthwise", "pointwise"});
  return std::make_unique<SeparableConv2D>(name, filters, s.kh, s.kw, s.sh, s.sw, s.padding,
                                           s.depth_multiplier, s.activation, s.use_bias);
}

std::string supported_list() {
  std::string s;
  for (const LayerEntry& e : layer_catalog()) s += (s.empty() ? "" : ", ") + e.class_name;
  return s;
}

}  // namespace

const std::vector<LayerEntry>& layer_catalog() {
  static const std::vector<LayerEntry> kCatalog{
      {"Conv2D",
       {"Convolution2D"},
       "conv2d",
       with_kernel_args({"filters", "kernel_size", "strides", "padding", "data_format",
                         "dilation_rate", "groups", "activation", "use_bias"}),
       {"lora_rank"},
       {"filters", "kernel_size"},
       2,
       "C{filters}",
       conv2d},
      {"MaxPooling2D",
       {"MaxPool2D"},
       "max_pooling2d",
       {"pool_size", "strides", "padding", "data_format"},
       {},
       {},
       1,
       "P",
       max_pooling2d},
      {"Flatten", {}, "flatten", {"data_format"}, {}, {}, 0, "", flatten},
      {"Dense",
       {},
       "dense",
       with_kernel_args({"units", "activation", "use_bias"}),
       {"lora_rank"},
       {"units"},
       1,
       "D{units}",
       dense},
      {"Dropout",
       {},
       "dropout",
       {"rate", "noise_shape", "seed"},
       {},
       {"rate"},
       1,
       "Drop{rate}",
       dropout},
      {"BatchNormalization",
       {},
       "batch_normalization",
       {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
        "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
        "gamma_regularizer", "beta_constraint", "gamma_constraint"},
       {"synchronized", "renorm", "virtual_batch_size", "adjustment", "fused"},
       {},
       0,
       "BN",
       batch_normalization},
      {"Activation", {}, "activation", {"activation"}, {}, {"activation"}, 1, "", activation},
      {"AveragePooling2D",
       {"AvgPool2D"},
       "average_pooling2d",
       {"pool_size", "strides", "padding", "data_format"},
       {},
       {},
       1,
       "AP",
       average_pooling2d},
      {"GlobalAveragePooling2D",
       {"GlobalAvgPool2D"},
       "global_average_pooling2d",
       {"data_format", "keepdims"},
       {},
       {},
       0,
       "GAP",
       global_pooling2d<GlobalPooling2D::Kind::average>},
      {"GlobalMaxPooling2D",
       {"GlobalMaxPool2D"},
       "global_max_pooling2d",
       {"data_format", "keepdims"},
       {},
       {},
       0,
       "GMP",
       global_pooling2d<GlobalPooling2D::Kind::max>},
      {"Rescaling", {}, "rescaling", {"scale", "offset"}, {}, {"scale"}, 1, "", rescaling},
      {"ZeroPadding2D",
       {},
       "zero_padding2d",
       {"padding", "data_format"},
       {},
       {},
       1,
       "Z",
       zero_padding2d},
      {"Reshape", {}, "reshape", {"target_shape"}, {}, {"target_shape"}, 1, "", reshape},
      {"LeakyReLU", {}, "leaky_re_lu", {"alpha"}, {"negative_slope"}, {}, 1, "", leaky_relu},
      {"ELU", {}, "elu", {"alpha"}, {}, {}, 1, "", elu},
      {"ReLU", {}, "re_lu", {"max_value", "negative_slope", "threshold"}, {}, {}, 0, "", relu},
      {"DepthwiseConv2D",
       {},
       "depthwise_conv2d",
       {"kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate",
        "activation", "use_bias", "depthwise_initializer", "bias_initializer",
        "depthwise_regularizer", "bias_regularizer", "activity_regularizer", "depthwise_constraint",
        "bias_constraint"},
       {},
       {"kernel_size"},
       1,
       "DW",
       depthwise_conv2d},
      {"SeparableConv2D",
       {"SeparableConvolution2D"},
       "separable_conv2d",
       {"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
        "depth_multiplier", "activation", "use_bias", "depthwise_initializer",
        "pointwise_initializer", "bias_initializer", "depthwise_regularizer",
        "pointwise_regularizer", "bias_regularizer", "activity_regularizer", "depthwise_constraint",
        "pointwise_constraint", "bias_constraint"},
       {},
       {"filters", "kernel_size"},
       2,
       "SC{filters}",
       separable_conv2d},
  };
  return kCatalog;
}

const LayerEntry* find_layer(const std::string& class_name) {
  for (const LayerEntry& e : layer_catalog()) {
    if (e.class_name == class_name) return &e;
    for (const std::string& alias : e.aliases)
      if (alias == class_name) return &e;
  }
  return nullptr;
}

std::string keras_base_name(const std::string& class_name, std::size_t index) {
  if (const LayerEntry* e = find_layer(class_name)) return e->base_name;
  std::string hint;
  for (const LayerEntry& e : layer_catalog())
    if (edit_distance(class_name, e.class_name) <= 2)
      hint = " (did you mean '" + e.class_name + "'?)";
  throw Error("layer " + std::to_string(index) + ": unknown layer type '" + class_name + "'" +
              hint + "; supported: " + supported_list());
}

std::unique_ptr<Layer> make_layer(const std::string& class_name, const std::string& name,
                                  LayerArgs& args) {
  const LayerEntry* entry = find_layer(class_name);
  if (!entry) keras_base_name(class_name, 0);  // throws the unknown-type error
  std::unique_ptr<Layer> layer = entry->make(name, args);
  args.finish();
  return layer;
}

std::string layer_catalog_module() {
  std::string rows;
  for (const LayerEntry& e : layer_catalog()) {
    const Json row{
        {"className", e.class_name},           {"aliases", e.aliases},   {"baseName", e.base_name},
        {"positional", e.positional},          {"keywords", e.keywords}, {"required", e.required},
        {"codePositional", e.code_positional}, {"token", e.token}};
    rows += "  " + row.dump() + ",\n";
  }
  return "// Generated from src/model/layer_catalog.cpp: do not edit. Rebuild with\n"
         "// `sh scripts/build.sh --native`, then `build/native/write_layer_catalog`; the native\n"
         "// tests fail while this file differs from the engine's catalog.\n"
         "export const LAYER_CATALOG = Object.freeze([\n" +
         rows + "]);\n";
}

}  // namespace convlab
