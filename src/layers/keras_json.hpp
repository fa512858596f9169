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

}  // namespace convlab
