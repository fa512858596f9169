// Numbers in messages and written configs: the shortest decimal that reads back as the same
// float, so 0.99f prints "0.99" (as Keras writes it) rather than 0.99000000953674316, and whole
// numbers print without an exponent ("10", not "1e+01").
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace convlab {

inline std::string format_number(float f) {
  char buf[48];
  if (std::isfinite(f) && f == std::trunc(f) && std::fabs(f) < 1e15f) {
    std::snprintf(buf, sizeof buf, "%.0f", double(f));
    return buf;
  }
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(f));
    if (std::strtof(buf, nullptr) == f) break;
  }
  return buf;
}

// A float config value as the double a JSON writer should print (0.99f -> 0.99).
inline double config_number(float f) {
  return std::strtod(format_number(f).c_str(), nullptr);
}

}  // namespace convlab
