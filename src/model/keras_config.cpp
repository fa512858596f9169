#include "model/keras_config.hpp"

#include <map>
#include <set>

#include "core/error.hpp"
#include "model/layer_catalog.hpp"

namespace convlab {
namespace {

struct LayerSpec {
  std::string class_name;
  Json config;
};

Json parse(const std::string& text) {
  return parse_json(text, "model config");
}

// Both forms to one list of (class_name, config) plus the model name and terse input shape.
std::vector<LayerSpec> layer_specs(const Json& root, std::string& model_name,
                                   std::optional<Shape>& input_shape) {
  if (!root.is_object()) throw Error("model config: expected a JSON object, got " + root.dump());
  const Json* layers = nullptr;
  if (root.contains("class_name")) {  // Keras's to_json()
    if (root["class_name"] != "Sequential")
      throw Error("model config: only Sequential models are supported, got class_name " +
                  root["class_name"].dump());
    static const Json kNone;
    const Json& config = root.contains("config") ? root["config"] : kNone;  // no temporaries:
    if (config.is_array()) {                                                // layers points in
      layers = &config;
    } else if (config.is_object() && config.contains("layers")) {
      layers = &config["layers"];
      if (config.contains("name") && config["name"].is_string()) model_name = config["name"];
    }
  } else if (root.contains("layers")) {  // terse
    layers = &root["layers"];
    for (auto& [key, value] : root.items())
      if (key != "layers" && key != "name" && key != "input_shape")
        throw Error("model config: unknown field '" + key +
                    "' (expected name, input_shape, layers)");
    if (root.contains("name")) {
      if (!root["name"].is_string()) throw Error("model config: 'name' must be a string");
      model_name = root["name"];
    }
    if (root.contains("input_shape")) {
      Json wrapper{{"input_shape", root["input_shape"]}};
      LayerArgs args(wrapper, "model config");
      input_shape = args.input_shape();
    }
  }
  if (!layers || !layers->is_array())
    throw Error("model config: no layer list found (expected config.layers or layers)");

  std::vector<LayerSpec> specs;
  for (std::size_t i = 0; i < layers->size(); ++i) {
    const Json& l = (*layers)[i];
    if (l.is_string()) {
      specs.push_back({l.get<std::string>(), Json::object()});
    } else if (l.is_object() && l.contains("class_name")) {
      if (!l["class_name"].is_string())
        throw Error("layer " + std::to_string(i) + ": class_name must be a string");
      specs.push_back({l["class_name"], l.contains("config") ? l["config"] : Json::object()});
    } else if (l.is_object() && l.size() == 1) {
      specs.push_back({l.begin().key(), l.begin().value()});
    } else {
      throw Error("layer " + std::to_string(i) +
                  ": expected {\"class_name\": ..., \"config\": {...}}, {\"Dense\": {...}} or "
                  "\"Flatten\", got " +
                  l.dump());
    }
  }
  return specs;
}

}  // namespace

std::unique_ptr<Sequential> model_from_json(const std::string& text, Rng& rng,
                                            const std::optional<Shape>& default_input_shape) {
  const Json root = parse(text);
  std::string model_name = "sequential";
  std::optional<Shape> input_shape;
  std::vector<LayerSpec> specs = layer_specs(root, model_name, input_shape);

  // Names given in the config are kept; the rest are numbered per type, skipping taken names.
  std::set<std::string> taken;
  std::vector<std::unique_ptr<Layer>> layers;
  std::map<std::string, int> counters;
  for (auto& spec : specs)
    if (spec.config.is_object() && spec.config.contains("name") &&
        spec.config["name"].is_string() && spec.class_name != "InputLayer")
      if (!taken.insert(spec.config["name"].get<std::string>()).second)
        throw Error("model config: two layers are named '" +
                    spec.config["name"].get<std::string>() + "'");

  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto& spec = specs[i];
    if (spec.class_name == "InputLayer") {
      LayerArgs args(spec.config, "layer " + std::to_string(i) + ": InputLayer");
      if (auto s = args.input_shape()) input_shape = s;
      for (const char* key : {"sparse", "ragged"}) args.only(key, {false});
      args.finish();
      continue;
    }
    std::string name;
    if (spec.config.is_object() && spec.config.contains("name") &&
        spec.config["name"].is_string()) {
      name = spec.config["name"];
    } else {
      const std::string base = keras_base_name(spec.class_name, i);
      do {
        const int n = counters[base]++;
        name = n == 0 ? base : base + "_" + std::to_string(n);
      } while (taken.count(name));
      taken.insert(name);
    }
    keras_base_name(spec.class_name, i);  // unknown types fail here, naming the position
    layers.push_back(at_layer(layers.size(), name, [&] {
      LayerArgs args(spec.config, name + ": " + spec.class_name);
      if (auto s = args.input_shape(); s && layers.empty() && !input_shape) input_shape = s;
      return make_layer(spec.class_name, name, args);
    }));
  }
  if (!input_shape) input_shape = default_input_shape;
  if (!input_shape)
    throw Error(
        "model config: the input shape is missing; give the first layer input_shape, "
        "e.g. input_shape=(28, 28, 1)");
  return std::make_unique<Sequential>(model_name, *input_shape, std::move(layers), rng);
}

std::string model_to_json(Sequential& model) {
  Json batch_shape = Json::array({nullptr});
  for (auto d : model.input_shape()) batch_shape.push_back(d);
  Json layers = Json::array();
  layers.push_back({{"class_name", "InputLayer"},
                    {"config",
                     {{"batch_input_shape", batch_shape},
                      {"dtype", "float32"},
                      {"sparse", false},
                      {"ragged", false},
                      {"name", model.layer(0).name() + "_input"}}}});
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer& layer = model.layer(i);
    Json config{{"name", layer.name()}, {"trainable", true}, {"dtype", "float32"}};
    if (i == 0) config["batch_input_shape"] = batch_shape;
    const Json own = layer.config();  // named: items() of a temporary would dangle
    for (auto& [key, value] : own.items()) config[key] = value;
    layers.push_back({{"class_name", layer.class_name()}, {"config", config}});
  }
  Json root{{"class_name", "Sequential"},
            {"config", {{"name", model.name()}, {"layers", layers}}},
            {"keras_version", "2.15.0"},
            {"backend", "tensorflow"}};
  return root.dump();
}

}  // namespace convlab
