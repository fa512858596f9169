// libFuzzer harness: the TF.js weights loader (Trainer::load_weights). The input is a manifest
// (model.json or its weightsManifest list), a NUL byte, then the weights bytes. Only
// convlab::Error may come out, and a refused load must leave every weight as it was.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "trainer.hpp"

using namespace convlab;

namespace {

// Small, but with every kind of weight: conv kernel/bias, BN gamma/beta/moving stats, dense.
const char* kModel = R"({"input_shape": [6, 6, 1], "layers": [
  {"Conv2D": {"filters": 2, "kernel_size": 3, "activation": "relu"}},
  "BatchNormalization", "MaxPooling2D", "Flatten",
  {"Dense": {"units": 3, "activation": "softmax"}}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static Trainer trainer(kModel, 1);
  static const std::vector<float> initial = trainer.get_weights();
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const std::size_t manifest_size = nul ? std::size_t(nul - data) : size;
  const std::string manifest(reinterpret_cast<const char*>(data), manifest_size);
  const uint8_t* bytes = nul ? nul + 1 : data + size;
  const std::size_t n = nul ? size - manifest_size - 1 : 0;
  try {
    trainer.load_weights(manifest, bytes, n);
    trainer.set_weights(initial);  // accepted: back to the reference weights
  } catch (const Error&) {
    if (trainer.get_weights() != initial) std::abort();  // a failed load changed the model
  }
  return 0;
}
