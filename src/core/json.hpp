// JSON (nlohmann, from Debian) with keys kept in insertion order, so written configs read like
// Keras's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"

namespace convlab {
using Json = nlohmann::ordered_json;

// Json::parse, with every nlohmann failure as one Error line "<what>: invalid JSON (...)". Not
// only parse_error: a number past double's range ("1e999") throws out_of_range, which the
// config fuzzer found escaping the old parse_error-only handlers.
inline Json parse_json(const std::string& text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep where and what.
    std::string message = e.what();
    const auto tag = message.find("] ");
    if (message.rfind("[json.exception.", 0) == 0 && tag != std::string::npos)
      message = message.substr(tag + 2);
    throw Error(what + ": invalid JSON (" + message + ")");
  }
}
}  // namespace convlab
