// A model's weights in TF.js's layers format: the manifest (names, shapes, float32) and loading
// them back from a manifest and its bytes, checked name by name. File-format I/O over the model's
// one named-weights walk; Trainer only forwards to it.
#include "model/tfjs_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "core/error.hpp"
#include "core/json.hpp"

namespace convlab {
std::string tfjs_weights_manifest(Sequential& model) {
  Json list = Json::array();
  for (auto& w : model.weights()) list.push_back({{"name", w.name}, {"shape", w.value->shape()}});
  return list.dump();
}

namespace {

// "sequential/conv2d/kernel:0" -> "conv2d/kernel": the last two path parts, no ":0".
std::string weight_key(std::string name) {
  const auto colon = name.rfind(':');
  if (colon != std::string::npos && colon > name.rfind('/')) name.resize(colon);
  const auto last = name.rfind('/');
  if (last == std::string::npos || last == 0) return name;
  const auto before = name.rfind('/', last - 1);
  return before == std::string::npos ? name : name.substr(before + 1);
}

std::string dims(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// A short rendering of a JSON value for messages (a hostile file may hold megabytes).
std::string brief(const Json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

void load_tfjs_weights(Sequential& model, const std::string& manifest_json, const uint8_t* bytes,
                       std::size_t size) {
  const std::string where = "weights manifest";
  const Json root = parse_json(manifest_json, where);
  const Json* groups = &root;
  if (root.is_object()) {
    if (!root.contains("weightsManifest"))
      throw Error(where + ": model.json has no 'weightsManifest' field");
    groups = &root["weightsManifest"];
  }
  if (!groups->is_array())
    throw Error(where + ": 'weightsManifest' must be a list of {paths, weights}, got " +
                brief(*groups));

  // The model's weights by key, in Keras order.
  struct Slot {
    std::string name;
    Tensor* value;
    bool given = false;
  };
  std::vector<Slot> slots;
  std::map<std::string, std::size_t> by_key;
  for (auto& w : model.weights()) {
    by_key[w.name] = slots.size();
    slots.push_back({w.name, w.value});
  }

  std::string files;       // for messages: "weights.bin" or "group1-shard1of2, group1-shard2of2"
  std::size_t offset = 0;  // in floats; bounded by the model's size, since every entry matches
  std::vector<std::pair<std::size_t, std::size_t>> placed;  // (slot, offset)
  for (std::size_t g = 0; g < groups->size(); ++g) {
    const Json& group = (*groups)[g];
    const std::string at = where + " group " + std::to_string(g);
    if (!group.is_object() || !group.contains("weights") || !group["weights"].is_array())
      throw Error(at + ": expected {\"paths\": [...], \"weights\": [...]}, got " + brief(group));
    if (group.contains("paths")) {
      if (!group["paths"].is_array()) throw Error(at + ": 'paths' must be a list of file names");
      for (auto& p : group["paths"]) {
        if (!p.is_string()) throw Error(at + ": 'paths' must be a list of file names");
        files += (files.empty() ? "" : ", ") + p.get<std::string>();
      }
    }
    for (auto& w : group["weights"]) {
      if (!w.is_object() || !w.contains("name") || !w["name"].is_string())
        throw Error(at + ": every weight needs a string 'name', got " + brief(w));
      const std::string name = w["name"];
      const std::string what = where + ": weight '" + name + "'";
      if (w.contains("dtype") && w["dtype"] != "float32")
        throw Error(what + " has dtype " + brief(w["dtype"]) + " (only float32 is supported)");
      if (w.contains("quantization") && !w["quantization"].is_null())
        throw Error(what + " is quantized (not supported)");
      auto it = by_key.find(name);
      if (it == by_key.end()) it = by_key.find(weight_key(name));
      if (it == by_key.end()) {
        std::string known;
        for (auto& s : slots) known += (known.empty() ? "" : ", ") + s.name;
        throw Error(what + " is not in the model (its weights: " + known + ")");
      }
      Slot& slot = slots[it->second];
      if (slot.given) throw Error(what + ": " + slot.name + " is given twice");
      if (!w.contains("shape") || !w["shape"].is_array())
        throw Error(what + ": 'shape' must be a list of sizes");
      const Shape want(slot.value->shape().begin(), slot.value->shape().end());
      bool same = w["shape"].size() == want.size();
      for (std::size_t d = 0; same && d < want.size(); ++d)
        same = w["shape"][d].is_number_unsigned() && w["shape"][d].get<uint64_t>() == want[d];
      if (!same)
        throw Error(what + " has shape " + brief(w["shape"]) + " but the model's " + slot.name +
                    " is " + dims(want));
      slot.given = true;
      placed.emplace_back(it->second, offset);
      offset += slot.value->size();
    }
  }
  for (auto& s : slots)
    if (!s.given) throw Error(where + ": the model's weight '" + s.name + "' is missing");
  if (files.empty()) files = "weights data";
  if (size != offset * sizeof(float))
    throw Error(files + ": " + std::to_string(size) + " bytes but the manifest describes " +
                std::to_string(offset) + " float32 values (" +
                std::to_string(offset * sizeof(float)) + " bytes)");
  // Copy out first (bytes need not be aligned for float), check, then commit all at once.
  std::vector<float> values(offset);
  if (offset) std::memcpy(values.data(), bytes, size);
  for (auto& [slot, start] : placed)
    for (std::size_t i = 0; i < slots[slot].value->size(); ++i)
      if (!std::isfinite(values[start + i]))
        throw Error(files + ": weight '" + slots[slot].name + "' holds " +
                    (std::isnan(values[start + i]) ? "NaN" : "an infinite value") + " at index " +
                    std::to_string(i));
  for (auto& [slot, start] : placed)
    std::copy_n(values.data() + start, slots[slot].value->size(), slots[slot].value->data());
}

}  // namespace convlab
