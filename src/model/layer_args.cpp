#include "model/layer_args.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"

namespace convlab {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

LayerArgs::LayerArgs(const Json& config, std::string where)
    : config_(config), where_(std::move(where)) {
  if (!config_.is_object()) fail("the layer config must be an object, got " + config_.dump());
  // Fields every Keras layer writes, with the only values that make sense here.
  only("trainable", {true});
  used_.insert("name");
  if (has("dtype")) {
    const Json& d = config_.at("dtype");
    const bool float32 =
        d == "float32" || (d.is_object() && d.contains("config") && d["config"].is_object() &&
                           d["config"].contains("name") && d["config"]["name"] == "float32");
    if (!float32 && !d.is_null()) fail("dtype " + d.dump() + " is not supported (only float32)");
    used_.insert("dtype");
  }
}

void LayerArgs::fail(const std::string& message) const {
  throw Error(where_ + ": " + message);
}

bool LayerArgs::has(const std::string& key) const {
  return config_.contains(key);
}

bool LayerArgs::is_null(const std::string& key) const {
  auto it = config_.find(key);
  return it == config_.end() || it->is_null();
}

const Json* LayerArgs::get(const std::string& key) {
  used_.insert(key);
  auto it = config_.find(key);
  return it == config_.end() ? nullptr : &*it;
}

int LayerArgs::positive_int(const std::string& key, std::optional<int> fallback) {
  const Json* v = get(key);
  if (!v || v->is_null()) {
    if (!fallback) fail("missing required argument '" + key + "'");
    return *fallback;
  }
  if (!v->is_number_integer() || v->get<long long>() <= 0 || v->get<long long>() > (1 << 24))
    fail("argument '" + key + "' must be a positive integer, got " + v->dump());
  return v->get<int>();
}

float LayerArgs::number(const std::string& key, float fallback) {
  const Json* v = get(key);
  if (!v || v->is_null()) return fallback;
  // Past float's range the double -> float conversion is undefined behaviour, not infinity.
  if (!v->is_number() || !(std::fabs(v->get<double>()) <= std::numeric_limits<float>::max()))
    fail("argument '" + key + "' must be a number, got " + v->dump());
  return v->get<float>();
}

bool LayerArgs::boolean(const std::string& key, bool fallback) {
  const Json* v = get(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_boolean()) fail("argument '" + key + "' must be true or false, got " + v->dump());
  return v->get<bool>();
}

std::pair<int, int> LayerArgs::int_pair(const std::string& key,
                                        std::optional<std::pair<int, int>> fallback) {
  const Json* v = get(key);
  if (!v || v->is_null()) {
    if (!fallback) fail("missing required argument '" + key + "'");
    return *fallback;
  }
  auto positive = [](const Json& j) {
    return j.is_number_integer() && j.get<long long>() > 0 && j.get<long long>() <= (1 << 24);
  };
  if (positive(*v)) return {v->get<int>(), v->get<int>()};
  if (v->is_array() && v->size() == 2 && positive((*v)[0]) && positive((*v)[1]))
    return {(*v)[0].get<int>(), (*v)[1].get<int>()};
  fail("argument '" + key + "' must be a positive integer or a pair of them, got " + v->dump());
}

std::pair<int, int> LayerArgs::int_pair_or_null(const std::string& key,
                                                std::pair<int, int> fallback) {
  return int_pair(key, fallback);
}

std::array<int, 4> LayerArgs::padding_amounts(const std::string& key, int fallback) {
  const Json* v = get(key);
  if (!v || v->is_null()) return {fallback, fallback, fallback, fallback};
  auto amount = [](const Json& j) {
    return j.is_number_integer() && j.get<long long>() >= 0 && j.get<long long>() <= (1 << 24);
  };
  auto pair = [&](const Json& j) {
    return j.is_array() && j.size() == 2 && amount(j[0]) && amount(j[1]);
  };
  if (amount(*v)) return {v->get<int>(), v->get<int>(), v->get<int>(), v->get<int>()};
  if (v->is_array() && v->size() == 2 && amount((*v)[0]) && amount((*v)[1]))
    return {(*v)[0].get<int>(), (*v)[0].get<int>(), (*v)[1].get<int>(), (*v)[1].get<int>()};
  if (v->is_array() && v->size() == 2 && pair((*v)[0]) && pair((*v)[1]))
    return {(*v)[0][0].get<int>(), (*v)[0][1].get<int>(), (*v)[1][0].get<int>(),
            (*v)[1][1].get<int>()};
  fail("argument '" + key +
       "' must be an integer >= 0, a pair of them, or ((top, bottom), (left, right)), got " +
       v->dump());
}

Shape LayerArgs::target_shape(const std::string& key) {
  const Json* v = get(key);
  if (!v || v->is_null()) fail("missing required argument '" + key + "'");
  Shape out;
  int unknown = 0;
  if (v->is_array() && !v->empty())
    for (const Json& d : *v) {
      if (d.is_number_integer() && d.get<long long>() == -1) {
        ++unknown;
        out.push_back(0);  // 0 marks the one size to infer
      } else if (d.is_number_integer() && d.get<long long>() > 0 &&
                 d.get<long long>() <= (1ll << 31)) {
        out.push_back(d.get<std::size_t>());
      } else {
        unknown = 2;
      }
    }
  if (out.empty() || unknown > 1)
    fail("argument '" + key +
         "' must be a tuple of positive sizes with at most one -1, e.g. (7, 7, 16), got " +
         v->dump());
  return out;
}

Padding LayerArgs::padding(const std::string& key) {
  const Json* v = get(key);
  if (!v || v->is_null()) return Padding::valid;
  if (*v == "valid") return Padding::valid;
  if (*v == "same") return Padding::same;
  fail("argument '" + key + "' must be 'valid' or 'same', got " + v->dump());
}

ActivationFn LayerArgs::activation(const std::string& key) {
  const Json* v = get(key);
  if (!v || v->is_null()) return ActivationFn::linear;
  if (!v->is_string()) fail("argument '" + key + "' must be an activation name, got " + v->dump());
  return activation_from_name(v->get<std::string>(), where_);
}

// null | "l1" | "l2" | "l1_l2" | {"l1": a, "l2": b} | Keras's {"class_name": "L2", "config": ...}.
// Strings take Keras's default factor 0.01.
Regularizer LayerArgs::regularizer(const std::string& key) {
  const Json* v = get(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) {
    const auto s = v->get<std::string>();
    if (s == "l1") return {0.01f, 0.0f};
    if (s == "l2") return {0.0f, 0.01f};
    if (s == "l1_l2") return {0.01f, 0.01f};
    fail("argument '" + key + "' must be 'l1', 'l2' or 'l1_l2', got '" + s + "'");
  }
  if (!v->is_object()) fail("argument '" + key + "' must be a regularizer, got " + v->dump());
  const Json* factors = v;
  float l1_default = 0.0f, l2_default = 0.0f;
  if (v->contains("class_name")) {
    const Json& cls = (*v)["class_name"];
    if (cls == "L1" || cls == "l1")
      l1_default = 0.01f;
    else if (cls == "L2" || cls == "l2")
      l2_default = 0.01f;
    else if (cls != "L1L2" && cls != "l1_l2")
      fail("argument '" + key + "': regularizer " + cls.dump() +
           " is not supported (L1, L2, L1L2)");
    factors = v->contains("config") ? &(*v)["config"] : nullptr;
  }
  Regularizer r{l1_default, l2_default};
  if (factors && factors->is_object()) {
    for (auto& [name, value] : factors->items()) {
      if (name != "l1" && name != "l2")
        fail("argument '" + key + "': unknown regularizer field '" + name + "'");
      if (!value.is_number() || !(value.get<double>() >= 0) ||
          !(value.get<double>() <= std::numeric_limits<float>::max()))
        fail("argument '" + key + "': '" + name + "' must be a number >= 0, got " + value.dump());
      (name == "l1" ? r.l1 : r.l2) = value.get<float>();
    }
  }
  return r;
}

std::optional<Shape> LayerArgs::input_shape() {
  for (const char* key : {"input_shape", "batch_input_shape", "batch_shape"}) {
    const Json* v = get(key);
    if (!v || v->is_null()) continue;
    if (!v->is_array())
      fail(std::string("argument '") + key + "' must be a list, got " + v->dump());
    Shape shape;
    for (std::size_t i = std::string(key) == "input_shape" ? 0 : 1; i < v->size(); ++i) {
      const Json& d = (*v)[i];
      if (!d.is_number_integer() || d.get<long long>() <= 0 || d.get<long long>() > (1 << 24))
        fail(std::string("argument '") + key + "' must hold positive sizes, got " + v->dump());
      shape.push_back(d.get<std::size_t>());
    }
    if (shape.empty()) fail(std::string("argument '") + key + "' is empty");
    return shape;
  }
  return std::nullopt;
}

void LayerArgs::only(const std::string& key, const std::vector<Json>& allowed) {
  const Json* v = get(key);
  if (!v || v->is_null()) return;
  for (auto& a : allowed)
    if (*v == a) return;
  fail("argument '" + key + "' = " + v->dump() + " is not supported (convlab accepts " +
       Json(allowed).dump() + ")");
}

void LayerArgs::initializer(const std::string& key, const std::string& default_class) {
  const Json* v = get(key);
  if (!v || v->is_null()) return;
  // find(), not operator[]: on a const object a missing key is undefined behaviour (an
  // assertion failure in debug builds), which the config fuzzer hit with {"kernel_initializer":
  // {}}.
  const auto cls = v->is_object() ? v->find("class_name") : v->end();
  std::string name = v->is_string()                        ? v->get<std::string>()
                     : cls != v->end() && cls->is_string() ? cls->get<std::string>()
                                                           : v->dump();
  std::string plain;  // "GlorotUniform" and "glorot_uniform" both name Keras's default
  for (char c : name)
    if (c != '_') plain += char(std::tolower(static_cast<unsigned char>(c)));
  std::string wanted;
  for (char c : default_class) wanted += char(std::tolower(static_cast<unsigned char>(c)));
  if (plain != wanted)
    fail("argument '" + key + "' = " + v->dump() + " is not supported (convlab uses " +
         default_class + ")");
}

void LayerArgs::finish() const {
  for (auto& [key, value] : config_.items()) {
    if (used_.count(key)) continue;
    std::string best;
    std::size_t best_distance = 3;  // suggest only close names
    for (auto& known : used_) {
      const std::size_t d = edit_distance(key, known);
      if (d < best_distance) best_distance = d, best = known;
    }
    fail("unknown argument '" + key + "'" +
         (best.empty() ? "" : " (did you mean '" + best + "'?)"));
  }
}

}  // namespace convlab
