// model.summary() as tf.keras 2.x prints it for a Sequential model (65 columns; fields cut at
// columns 29 and 55, which is why long names lose their tail: "max_pooling2d_1 (MaxPooling2").
#pragma once

#include <string>

#include "model/sequential.hpp"

namespace convlab {

std::string summary(Sequential& model);

// 693962 -> "693,962" (Python's '{:,}').
std::string thousands(std::size_t n);

}  // namespace convlab
