// Model configs several test files train: the course's lab CNN, in convlab's terse form.
#pragma once

namespace convlab::testing {

inline const char* kLabModel = R"({"input_shape": [28, 28, 1], "layers": [
  {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu"}}, "MaxPooling2D",
  {"Conv2D": {"filters": 32, "kernel_size": 3, "activation": "relu"}}, "MaxPooling2D",
  "Flatten", {"Dense": {"units": 128, "activation": "relu"}},
  {"Dense": {"units": 10, "activation": "softmax"}}]})";

}  // namespace convlab::testing
