// make_optimizer: Keras optimizer specs to optimizers. Strict by design: a misspelt argument
// ("beta1", "learningrate") would otherwise be ignored silently and the student would train
// with a default they did not ask for. Keys that Keras writes into every saved config but that
// leave the update unchanged at their default values are accepted; the same keys with a value
// that would change training are rejected, since convlab does not implement them.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "core/error.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"

namespace convlab {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// Reads one optimizer's config object: every key must be one of its hyper-parameters or a
// harmless Keras key, so the readers below mark each key they consume.
class ConfigReader {
 public:
  ConfigReader(std::string class_name, const Json& config)
      : who_("optimizer " + std::move(class_name)), config_(config) {}

  float number(const char* key, float fallback) {
    const Json* v = take(key);
    if (!v) return fallback;
    // Past float's range the double -> float conversion is undefined behaviour, not infinity.
    if (!v->is_number() || !(std::fabs(v->get<double>()) <= std::numeric_limits<float>::max()))
      throw Error(who_ + ": " + key + " must be a number, got " + v->dump());
    return float(v->get<double>());
  }

  bool boolean(const char* key, bool fallback) {
    const Json* v = take(key);
    if (!v) return fallback;
    if (!v->is_boolean())
      throw Error(who_ + ": " + key + " must be true or false, got " + v->dump());
    return v->get<bool>();
  }

  // learning_rate, or Keras 2's legacy spelling lr.
  float learning_rate(float fallback) {
    if (config_.contains("learning_rate") && config_.contains("lr"))
      throw Error(who_ + ": give learning_rate or lr, not both");
    return number(config_.contains("lr") ? "lr" : "learning_rate", fallback);
  }

  // Keys Keras writes into every optimizer config. Each comes with a test of whether its value
  // leaves the update as convlab computes it (null, 0 or false); other values are refused.
  void ignore_harmless() {
    auto null_or_zero = [](const Json& v) {
      return v.is_null() || (v.is_number() && v.get<double>() == 0.0);
    };
    auto null_or_false = [](const Json& v) { return v.is_null() || v == false; };
    auto anything = [](const Json&) { return true; };
    const std::map<std::string, std::function<bool(const Json&)>> harmless{
        {"name", anything},
        {"decay", null_or_zero},
        {"clipnorm", null_or_zero},
        {"clipvalue", null_or_zero},
        {"global_clipnorm", null_or_zero},
        {"weight_decay", null_or_zero},
        {"use_ema", null_or_false},
        {"ema_momentum", anything},             // only read when use_ema is true
        {"ema_overwrite_frequency", anything},  // likewise
        {"jit_compile", anything},
        {"is_legacy_optimizer", anything},
        {"loss_scale_factor", [](const Json& v) { return v.is_null(); }},
        {"gradient_accumulation_steps", [](const Json& v) { return v.is_null(); }},
    };
    for (const auto& [key, inert] : harmless) {
      const Json* v = take(key.c_str());
      if (v && !inert(*v))
        throw Error(who_ + ": " + key + " is not supported by convlab (got " + v->dump() +
                    "); remove it or set it to null");
    }
  }

  // Throws for the first key nobody consumed.
  void finish() const {
    for (const auto& item : config_.items())
      if (!used_.count(item.key())) throw Error(who_ + ": unknown argument '" + item.key() + "'");
  }

 private:
  const Json* take(const char* key) {
    auto it = config_.find(key);
    if (it == config_.end()) return nullptr;
    used_.insert(key);
    return &*it;
  }

  std::string who_;
  const Json& config_;
  std::set<std::string> used_;
};

std::unique_ptr<Optimizer> from_config(const std::string& class_name, const Json& config) {
  const std::string kind = lower(class_name);
  if (kind == "adam") {
    ConfigReader r("Adam", config);
    const float lr = r.learning_rate(0.001f);
    const float beta_1 = r.number("beta_1", 0.9f);
    const float beta_2 = r.number("beta_2", 0.999f);
    const float epsilon = r.number("epsilon", 1e-7f);
    if (r.boolean("amsgrad", false))
      throw Error("optimizer Adam: amsgrad is not supported by convlab; set it to false");
    r.ignore_harmless();
    r.finish();
    return std::make_unique<Adam>(lr, beta_1, beta_2, epsilon);
  }
  if (kind == "sgd") {
    ConfigReader r("SGD", config);
    const float lr = r.learning_rate(0.01f);
    const float momentum = r.number("momentum", 0.0f);
    const bool nesterov = r.boolean("nesterov", false);
    r.ignore_harmless();
    r.finish();
    return std::make_unique<SGD>(lr, momentum, nesterov);
  }
  if (kind == "rmsprop") {
    ConfigReader r("RMSprop", config);
    const float lr = r.learning_rate(0.001f);
    const float rho = r.number("rho", 0.9f);
    const float momentum = r.number("momentum", 0.0f);
    const float epsilon = r.number("epsilon", 1e-7f);
    const bool centered = r.boolean("centered", false);
    r.ignore_harmless();
    r.finish();
    return std::make_unique<RMSprop>(lr, rho, momentum, epsilon, centered);
  }
  throw Error("optimizer: unknown optimizer '" + class_name + "' (expected adam, sgd or rmsprop)");
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const Json& spec) {
  if (spec.is_string()) return from_config(spec.get<std::string>(), Json::object());
  if (!spec.is_object())
    throw Error(
        "optimizer: expected a name such as \"adam\" or {\"class_name\": \"Adam\", "
        "\"config\": {...}}, got " +
        spec.dump());
  for (const auto& item : spec.items()) {
    const std::string& key = item.key();
    // module and registered_name are what Keras 3's serialize_keras_object adds.
    if (key != "class_name" && key != "config" && key != "module" && key != "registered_name")
      throw Error("optimizer: unknown key '" + key + "' (expected class_name and config)");
  }
  if (!spec.contains("class_name") || !spec["class_name"].is_string())
    throw Error("optimizer: class_name must be a string such as \"Adam\"");
  const Json config = spec.contains("config") ? spec["config"] : Json::object();
  if (!config.is_object()) throw Error("optimizer: config must be an object, got " + config.dump());
  return from_config(spec["class_name"].get<std::string>(), config);
}

}  // namespace convlab
