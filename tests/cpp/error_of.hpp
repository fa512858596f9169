// The message of the convlab::Error that f throws, or "no error": lets a test compare whole
// messages with ==.
#pragma once

#include <functional>
#include <string>

#include "core/error.hpp"

namespace convlab::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace convlab::testing
