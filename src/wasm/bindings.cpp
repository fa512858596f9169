// The Embind block over the Trainer facade, and nothing else: the conversions and error
// translation it calls live in js_convert.{hpp,cpp}.
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include "core/thread_pool.hpp"
#include "wasm/js_convert.hpp"

using namespace convlab;
using namespace convlab::js;

EMSCRIPTEN_BINDINGS(convlab) {
  using namespace emscripten;
  value_object<BatchStats>("BatchStats")
      .field("loss", &BatchStats::loss)
      .field("accuracy", &BatchStats::accuracy)
      .field("size", &BatchStats::size);
  value_object<StepStats>("StepStats")
      .field("loss", &StepStats::loss)
      .field("accuracy", &StepStats::accuracy)
      .field("size", &StepStats::size)
      .field("epoch", &StepStats::epoch)
      .field("batch", &StepStats::batch)
      .field("batches", &StepStats::batches);

  class_<Trainer>("Trainer")
      .constructor(&make_trainer, allow_raw_pointers())
      .function("compile",
                optional_override([](Trainer& t, const std::string& opt, const std::string& loss) {
                  guard([&] { t.compile(opt, loss); });
                }))
      .function("summary",
                optional_override([](Trainer& t) { return guard([&] { return t.summary(); }); }))
      .function("toJSON",
                optional_override([](Trainer& t) { return guard([&] { return t.to_json(); }); }))
      .function("describe",
                optional_override([](Trainer& t) { return guard([&] { return t.describe(); }); }))
      .function("trainOnBatch",
                optional_override([](Trainer& t, val x, val y) { return on_batch(t, x, y, true); }))
      .function("testOnBatch", optional_override([](Trainer& t, val x, val y) {
                  return on_batch(t, x, y, false);
                }))
      .function("evaluate", &evaluate)
      .function("layerOutput", &layer_output)
      .function("setData", &set_data)
      .function("clearData", optional_override([](Trainer& t, const std::string& slot) {
                  guard([&] { t.clear_data(slot); });
                }))
      .function(
          "evaluateData", optional_override([](Trainer& t, const std::string& slot, int batch) {
            return guard([&] { return t.evaluate_data(slot, std::size_t(std::max(batch, 0))); });
          }))
      .function("startTraining", optional_override([](Trainer& t, int batch, bool shuffle) {
                  guard([&] { t.start_training(std::size_t(std::max(batch, 0)), shuffle); });
                }))
      .function("trainStep",
                optional_override([](Trainer& t) { return guard([&] { return t.train_step(); }); }))
      .function("getWeights", optional_override([](Trainer& t) {
                  return guard([&] {
                    const auto w = t.get_weights();
                    return copy_out(w.data(), w.size());
                  });
                }))
      .function("setWeights", optional_override([](Trainer& t, val w) {
                  guard([&] { t.set_weights(floats(w)); });
                }))
      .function("weightsManifest", optional_override([](Trainer& t) {
                  return guard([&] { return t.weights_manifest(); });
                }))
      .function("loadWeights",
                optional_override([](Trainer& t, const std::string& manifest, val bytes) {
                  guard([&] {
                    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
                    t.load_weights(manifest, data.data(), data.size());
                  });
                }))
      .function("learningRate", optional_override([](Trainer& t) {
                  return guard([&] { return t.learning_rate(); });
                }))
      .function("setLearningRate", optional_override([](Trainer& t, float lr) {
                  guard([&] { t.set_learning_rate(lr); });
                }))
      .function("iterations", optional_override([](Trainer& t) {
                  return guard([&] { return double(t.iterations()); });
                }))
      .function("permutation", optional_override([](Trainer& t, unsigned n) {
                  return guard([&] {
                    const auto p = t.permutation(n);
                    return copy_out(p.data(), p.size());
                  });
                }));

  function("parseIdxImagesHeader", &idx_images_header);
  function("parseIdxLabelsHeader", &idx_labels_header);
  function("parseNpyHeader", &npy_header);
  function("heapSize", optional_override([] {
             return guard([] { return double(emscripten_get_heap_size()); });
           }));
  // The threaded builds preload one Worker per helper (Module.helperThreads, web/lib/engine.mjs),
  // then set the count to match; the one-thread build keeps 1 whatever is asked.
  function("setNumThreads", optional_override([](int n) { guard([&] { set_num_threads(n); }); }));
  function("numThreads", optional_override([] { return guard([] { return num_threads(); }); }));
}
