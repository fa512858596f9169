// The Embind block over the Trainer facade, and nothing else: typed arrays are copied in and
// out at this boundary (never kept as views of wasm memory), and C++ errors become JS Errors
// carrying the engine's message.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>

#include "core/error.hpp"
#include "core/thread_pool.hpp"
#include "data/idx.hpp"
#include "data/npy.hpp"
#include "trainer.hpp"

using emscripten::val;
using Float32Array = emscripten::val;
using TypedArray = emscripten::val;  // Uint8Array or Float32Array
using namespace convlab;

namespace {

template <typename F>
auto guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const LayerError& e) {
    // The layer travels as data (error.layer, error.layerIndex), not inside the sentence.
    val error = val::global("Error").new_(std::string(e.what()));
    error.set("layer", e.layer);
    error.set("layerIndex", e.index);
    error.throw_();
  } catch (const std::exception& e) {
    val::global("Error").new_(std::string(e.what())).throw_();
  }
}

template <typename T>
val copy_out(const T* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

// One TypedArray.set into a view of the destination: a bulk copy (and conversion, for a plain
// Array or another typed array) in JS, where convertJSArrayToNumberVector went element by element
// (about 0.5 ms for one 32-image batch, a fifth of a predict call). Nothing allocates in wasm
// between making the view and the set, so the view cannot be detached by memory growth.
void copy_in(const val& array, std::vector<float>& out) {
  out.resize(array["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
}

std::vector<float> floats(const val& array) {
  std::vector<float> out;
  copy_in(array, out);
  return out;
}

Shape to_shape(const val& array) {
  Shape s;
  if (array.isUndefined() || array.isNull()) return s;
  for (int d : emscripten::convertJSArrayToNumberVector<int>(array)) {
    if (d <= 0) throw Error("input shape: sizes must be positive");
    s.push_back(std::size_t(d));
  }
  return s;
}

Trainer* make_trainer(const std::string& model_json, unsigned seed, val input_shape) {
  return guard([&] { return new Trainer(model_json, seed, to_shape(input_shape)); });
}

BatchStats on_batch(Trainer& t, const Float32Array& x, const Float32Array& y, bool training) {
  return guard([&] {
    const auto xs = floats(x), ys = floats(y);
    const std::size_t n = t.count_samples(xs.size(), training ? "train_on_batch" : "test_on_batch");
    return training ? t.train_on_batch(xs.data(), ys.data(), n, ys.size())
                    : t.test_on_batch(xs.data(), ys.data(), n, ys.size());
  });
}

BatchStats evaluate(Trainer& t, const Float32Array& x, const Float32Array& y, int batch_size) {
  return guard([&] {
    const auto xs = floats(x), ys = floats(y);
    const std::size_t n = t.count_samples(xs.size(), "evaluate");
    return t.evaluate(xs.data(), ys.data(), n, ys.size(), std::size_t(std::max(batch_size, 0)));
  });
}

Float32Array layer_output(Trainer& t, const Float32Array& x, int layer) {
  return guard([&] {
    static std::vector<float> xs;  // grows only: repeated predict calls do not allocate
    copy_in(x, xs);
    const std::size_t n = t.count_samples(xs.size(), "predict");
    const Tensor& out =
        layer < 0 ? t.predict(xs.data(), n) : t.layer_output(xs.data(), n, std::size_t(layer));
    return copy_out(out.data(), out.size());
  });
}

void set_data(Trainer& t, const std::string& slot, const TypedArray& x, const Float32Array& y) {
  guard([&] {
    const std::size_t values = x["length"].as<std::size_t>();
    const std::size_t n = t.count_samples(values, "data '" + slot + "'");
    auto targets = floats(y);
    if (targets.size() % n != 0)
      throw Error("data '" + slot + "': " + std::to_string(targets.size()) + " target values for " +
                  std::to_string(n) + " samples");
    const std::size_t width = targets.size() / n;
    Dataset d = x.instanceof
        (val::global("Uint8Array"))
            ? Dataset::from_bytes(emscripten::convertJSArrayToNumberVector<uint8_t>(x),
                                  std::move(targets), n, values / n, width)
            : Dataset::from_floats(floats(x), std::move(targets), n, values / n, width);
    t.set_data(slot, std::move(d));
  });
}

val idx_images(const TypedArray& bytes, const std::string& file) {
  return guard([&] {
    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    const IdxImages images = parse_idx_images(data.data(), data.size(), file);
    val out = val::object();
    out.set("count", images.count);
    out.set("rows", images.rows);
    out.set("cols", images.cols);
    out.set("pixels", copy_out(images.pixels.data(), images.pixels.size()));
    return out;
  });
}

val idx_labels(const TypedArray& bytes, const std::string& file) {
  return guard([&] {
    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    const IdxLabels labels = parse_idx_labels(data.data(), data.size(), file);
    return copy_out(labels.labels.data(), labels.labels.size());
  });
}

// prefix: the file's first bytes (at least its header); the data stays in JS, read in place.
val npy_header(const TypedArray& prefix, double file_size, const std::string& file) {
  return guard([&] {
    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(prefix);
    const NpyHeader h = parse_npy_header(data.data(), data.size(), std::size_t(file_size), file);
    val shape = val::array();
    for (std::size_t d : h.shape) shape.call<void>("push", double(d));
    val out = val::object();
    out.set("descr", h.descr);
    out.set("kind", std::string(1, h.kind));
    out.set("itemSize", double(h.item_size));
    out.set("bigEndian", h.big_endian);
    out.set("shape", shape);
    out.set("count", double(h.count));
    out.set("dataOffset", double(h.data_offset));
    return out;
  });
}

}  // namespace

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
      .function("iterations", optional_override([](Trainer& t) { return double(t.iterations()); }))
      .function("permutation", optional_override([](Trainer& t, unsigned n) {
                  return guard([&] {
                    const auto p = t.permutation(n);
                    return copy_out(p.data(), p.size());
                  });
                }));

  function("parseIdxImages", &idx_images);
  function("parseIdxLabels", &idx_labels);
  function("parseNpyHeader", &npy_header);
  function("heapSize", optional_override([] { return double(emscripten_get_heap_size()); }));
  // The threaded builds preload one Worker per helper (Module.helperThreads, web/lib/engine.mjs),
  // then set the count to match; the one-thread build keeps 1 whatever is asked.
  function("setNumThreads", &set_num_threads);
  function("numThreads", &num_threads);
}
