// Small builders for the nested objects Keras writes inside a layer config.
#pragma once

#include <string>

#include "core/format.hpp"
#include "core/json.hpp"
#include "layers/regularizer.hpp"

namespace convlab {

// {"class_name": "GlorotUniform", "config": {"seed": null}}; Zeros and Ones take no config.
inline Json keras_initializer(const std::string& class_name) {
  const bool seeded = class_name != "Zeros" && class_name != "Ones";
  return Json{{"class_name", class_name},
              {"config", seeded ? Json{{"seed", nullptr}} : Json::object()}};
}

// null, or {"class_name": "L1L2", "config": {"l1": .., "l2": ..}} (Keras's serialised form).
inline Json keras_regularizer(const Regularizer& r) {
  if (!r.active()) return nullptr;
  return Json{{"class_name", "L1L2"},
              {"config", Json{{"l1", config_number(r.l1)}, {"l2", config_number(r.l2)}}}};
}

// The end of a Dense or Conv2D config, in Keras's order: initializers, regularizers, constraints.
inline void add_kernel_bias_config(Json& c, const Regularizer& kernel_regularizer) {
  c["kernel_initializer"] = keras_initializer("GlorotUniform");
  c["bias_initializer"] = keras_initializer("Zeros");
  c["kernel_regularizer"] = keras_regularizer(kernel_regularizer);
  c["bias_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["kernel_constraint"] = nullptr;
  c["bias_constraint"] = nullptr;
}

}  // namespace convlab
