#include "optimizers/optimizer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/format.hpp"

namespace convlab {

void Optimizer::set_learning_rate(float lr) {
  if (!(lr > 0.0f) || !std::isfinite(lr))  // !(lr > 0) also catches NaN
    throw Error("optimizer: learning_rate must be > 0, got " + format_number(lr));
  learning_rate_ = lr;
}

std::string Optimizer::who() const {
  return std::string("optimizer ") + class_name();
}

void Optimizer::check_range(const char* name, float v, float lo, float hi,
                            bool hi_inclusive) const {
  const bool ok = v >= lo && (hi_inclusive ? v <= hi : v < hi);  // false for NaN
  if (!ok)
    throw Error(who() + ": " + name + " must be in [" + format_number(lo) + ", " +
                format_number(hi) + (hi_inclusive ? "]" : ")") + ", got " + format_number(v));
}

void Optimizer::size_state(std::vector<Tensor>& state, const std::vector<Param>& params) const {
  if (state.empty()) {
    state.reserve(params.size());
    for (const auto& p : params) state.push_back(xt::zeros<float>(p.value->shape()));
    return;
  }
  bool same = state.size() == params.size();
  for (std::size_t k = 0; same && k < params.size(); ++k)
    same = state[k].size() == params[k].value->size();
  if (!same)
    throw Error(who() + ": the parameter list changed after the first step (" +
                std::to_string(state.size()) + " tensors then, " + std::to_string(params.size()) +
                " now); use a new optimizer for a new model");
}

}  // namespace convlab
