// libFuzzer harness: Keras model configs (model_from_json) as arbitrary text. Only
// convlab::Error may come out; a config that builds must survive to_json -> from_json with the
// same summary, and a compiled Trainer must run one inference sample through it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "model/keras_config.hpp"
#include "model/summary.hpp"
#include "trainer.hpp"

using namespace convlab;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Keep each execution small and fast; the 1024 MB product limit is tested in the unit tests.
  set_model_memory_limit_mb(16);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Rng rng(1);
    auto model = model_from_json(text, rng, Shape{28, 28, 1});
    const std::string json = model_to_json(*model);
    const std::string table = summary(*model);
    Rng rng2(1);
    auto again = model_from_json(json, rng2);
    if (summary(*again) != table) std::abort();  // the round trip must be exact
    // One sample forward: shapes agreed at build time must hold at run time.
    Tensor x = xt::zeros<float>(batched(1, model->input_shape()));
    const Tensor& y = model->forward(x, Mode::inference);
    if (y.size() != shape_size(model->output_shape())) std::abort();
  } catch (const Error&) {
  }
  return 0;
}
