// Optimizers walk the (value, grad) list that the layers expose and update values in place.
// State (moments, velocities) lives in the optimizer, indexed by position in that list and
// created on the first apply(); the list must keep its order and sizes afterwards.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/format.hpp"
#include "core/json.hpp"
#include "layers/layer.hpp"

namespace convlab {

class Optimizer {
 public:
  explicit Optimizer(float learning_rate) : learning_rate_(learning_rate) {}
  virtual ~Optimizer() = default;

  virtual const char* class_name() const = 0;  // Keras class name: "Adam", "SGD", "RMSprop"
  // One update step from the gradients currently in params; increments iterations().
  virtual void apply(const std::vector<Param>& params) = 0;
  // Keras get_config(): {"name": "Adam", "learning_rate": 0.001, ...}
  virtual Json config() const = 0;

  float learning_rate() const { return learning_rate_; }
  void set_learning_rate(float lr);  // throws Error unless lr > 0 and finite
  long iterations() const { return iterations_; }

 protected:
  // "optimizer Adam": the prefix of this optimizer's error messages.
  std::string who() const;
  // The shortest decimal that reads back as v: "0.001" in messages, 0.001 (not
  // 0.0010000000474974513) in configs, as Keras writes them.
  // Throws Error(who() + ": <name> must be in [lo, hi), got v") (hi inclusive when asked).
  void check_range(const char* name, float v, float lo, float hi, bool hi_inclusive) const;
  // Per-parameter state (moments, velocities): zeros shaped like each value on the first step;
  // on later steps, checks that the list kept its length and sizes.
  void size_state(std::vector<Tensor>& state, const std::vector<Param>& params) const;

  float learning_rate_;
  long iterations_ = 0;
};

// From a Keras optimizer spec: a name ("adam", "sgd", "rmsprop", any case) with Keras defaults,
// or {"class_name": "Adam", "config": {"learning_rate": 0.01, ...}}. Unknown names, unknown
// config keys and bad values throw an Error naming the field.
std::unique_ptr<Optimizer> make_optimizer(const Json& spec);

}  // namespace convlab
