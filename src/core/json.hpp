// JSON (nlohmann, from Debian) with keys kept in insertion order, so written configs read like
// Keras's.
#pragma once

#include <nlohmann/json.hpp>

namespace convlab {
using Json = nlohmann::ordered_json;
}
