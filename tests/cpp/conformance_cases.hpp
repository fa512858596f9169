// The conformance table (ggml's test-backend-ops idea): one list of {layer config, input shape}
// cases, tests/fixtures/conformance_cases.json, that every layer must appear in. For each case
// the native and wasm tests check the finite-difference gradients, 1- vs 2-thread bit equality
// and the Keras JSON round trip (test_conformance.cpp), and that a training step allocates
// nothing (test_no_allocation.cpp); tests/js/conformance.test.mjs checks the TF.js export of the
// same list against @tensorflow/tfjs.
#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/tensor.hpp"
#include "test_files.hpp"

namespace convlab::testing {

struct ConformanceCase {
  std::string layer;  // the layer's terse Keras config: {"Conv2D": {...}} or "Flatten"
  Shape input_shape;  // one sample
  // Inputs 0.1 apart in random order, 0.05 off every multiple of 0.1: a finite-difference step
  // never changes which input wins a max-pooling window nor crosses a kink at 0 (or at 0.5).
  bool distinct = false;
  std::string class_name() const;
  // {"input_shape": ..., "layers": [before..., layer, after...]}
  std::string model(const std::vector<std::string>& before = {},
                    const std::vector<std::string>& after = {}) const;
};

inline std::string ConformanceCase::class_name() const {
  const Json j = Json::parse(layer);
  return j.is_string() ? j.get<std::string>() : j.begin().key();
}

inline std::string ConformanceCase::model(const std::vector<std::string>& before,
                                          const std::vector<std::string>& after) const {
  Json layers = Json::array();
  for (auto& l : before) layers.push_back(Json::parse(l));
  layers.push_back(Json::parse(layer));
  for (auto& l : after) layers.push_back(Json::parse(l));
  return Json{{"input_shape", input_shape}, {"layers", layers}}.dump();
}

inline std::vector<ConformanceCase> conformance_cases() {
  std::vector<ConformanceCase> cases;
  for (const Json& c : Json::parse(fixture("conformance_cases.json"))) {
    ConformanceCase k;
    k.layer = c.at("layer").dump();
    k.input_shape = c.at("input_shape").get<Shape>();
    k.distinct = c.value("distinct", false);
    cases.push_back(k);
  }
  return cases;
}

// The model a case trains in: a linear Activation first, so the layer's input gradient is
// computed as well, then a softmax classifier over 3 classes.
inline std::string training_model(const ConformanceCase& c) {
  return c.model({R"({"Activation": {"activation": "linear"}})"},
                 {R"("Flatten")", R"({"Dense": {"units": 3, "activation": "softmax"}})"});
}

}  // namespace convlab::testing
