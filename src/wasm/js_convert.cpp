// The conversions and checked calls the Embind block binds (js_convert.hpp).
#include "wasm/js_convert.hpp"

#include <emscripten/bind.h>

#include <algorithm>

#include "data/idx.hpp"
#include "data/npy.hpp"

namespace convlab::js {

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
    t.clear_data(slot);  // before the copy below: one copy of a slot's data at a time
    Dataset d = x.instanceof
        (val::global("Uint8Array"))
            ? Dataset::from_bytes(emscripten::convertJSArrayToNumberVector<uint8_t>(x),
                                  std::move(targets), n, values / n, width)
            : Dataset::from_floats(floats(x), std::move(targets), n, values / n, width);
    t.set_data(slot, std::move(d));
  });
}

namespace {
val idx_shape(const IdxShape& shape) {
  val out = val::object();
  out.set("count", double(shape.count));
  out.set("rows", double(shape.rows));
  out.set("cols", double(shape.cols));
  out.set("offset", double(shape.offset));
  return out;
}
}  // namespace

val idx_images_header(const TypedArray& prefix, double file_size, const std::string& file) {
  return guard([&] {
    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(prefix);
    return idx_shape(parse_idx_images_header(data.data(), std::size_t(file_size), file));
  });
}

val idx_labels_header(const TypedArray& prefix, double file_size, const std::string& file) {
  return guard([&] {
    const auto data = emscripten::convertJSArrayToNumberVector<uint8_t>(prefix);
    return idx_shape(parse_idx_labels_header(data.data(), std::size_t(file_size), file));
  });
}

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

}  // namespace convlab::js
