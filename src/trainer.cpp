#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/format.hpp"
#include "model/keras_config.hpp"
#include "model/summary.hpp"

namespace convlab {

Trainer::Trainer(const std::string& model_json, uint32_t seed, const Shape& default_input_shape)
    : rng_(seed) {
  std::optional<Shape> fallback;
  if (!default_input_shape.empty()) fallback = default_input_shape;
  model_ = model_from_json(model_json, rng_, fallback);
}

Trainer::~Trainer() = default;

void Trainer::compile(const std::string& optimizer_json, const std::string& loss) {
  Json spec;
  try {
    spec = Json::parse(optimizer_json);
  } catch (const Json::exception&) {
    spec = optimizer_json;  // a bare name such as adam (or text make_optimizer will refuse)
  }
  auto optimizer = make_optimizer(spec);
  const LossKind kind = loss_from_name(loss);
  if (model_->output_shape().size() != 1)
    throw Error("compile: " + std::string(loss_name(kind)) +
                " needs a flat (None, classes) output " + "but the last layer '" +
                model_->layer(model_->size() - 1).name() + "' outputs " +
                keras_shape(model_->output_shape()) + "; add Flatten() before the Dense layers");
  optimizer_ = std::move(optimizer);
  loss_ = kind;
  compiled_ = true;
}

void Trainer::require_compiled() const {
  if (!compiled_) throw Error("model: call compile(optimizer, loss) before training or evaluating");
}

std::string Trainer::summary() {
  return convlab::summary(*model_);
}
std::string Trainer::to_json() {
  return model_to_json(*model_);
}

std::string Trainer::describe() {
  Json layers = Json::array();
  for (std::size_t i = 0; i < model_->size(); ++i) {
    Layer& layer = model_->layer(i);
    std::size_t params = 0;
    for (auto& p : layer.params()) params += p.value->size();
    for (auto& w : layer.non_trainable_weights()) params += w.value->size();
    layers.push_back({{"name", layer.name()},
                      {"class_name", layer.class_name()},
                      {"output_shape", model_->output_shape(i)},
                      {"params", params}});
  }
  return layers.dump();
}

std::size_t Trainer::count_samples(std::size_t values, const std::string& what) const {
  const std::size_t sample = shape_size(model_->input_shape());
  if (values == 0 || values % sample != 0)
    throw Error(what + ": got " + std::to_string(values) +
                " input values, not a whole number of samples of shape " +
                keras_shape(model_->input_shape()) + " (" + std::to_string(sample) +
                " values each)");
  return values / sample;
}

void Trainer::stage(const float* x, const float* y, std::size_t n, std::size_t y_size) {
  if (n == 0) throw Error("data: the batch is empty");
  const std::size_t classes = shape_size(model_->output_shape());
  const std::size_t width = loss_ == LossKind::sparse_categorical_crossentropy ? 1 : classes;
  if (y_size != n * width) {
    if (loss_ == LossKind::categorical_crossentropy && y_size == n)
      throw Error("labels: categorical_crossentropy needs one-hot targets (" + std::to_string(n) +
                  ", " + std::to_string(classes) +
                  ") but got one label per sample; use sparse_categorical_crossentropy");
    if (loss_ == LossKind::sparse_categorical_crossentropy && y_size == n * classes)
      throw Error(
          "labels: sparse_categorical_crossentropy needs one integer label per sample but "
          "got one-hot targets; use categorical_crossentropy");
    throw Error("labels: expected " + std::to_string(n * width) + " target values for " +
                std::to_string(n) + " samples, got " + std::to_string(y_size));
  }
  ensure_batched(x_, n, model_->input_shape());
  std::memcpy(x_.data(), x, sizeof(float) * x_.size());
  y_.assign(y, y + y_size);
}

BatchStats Trainer::run_batch(Mode mode, std::size_t n) {
  const bool training = mode == Mode::training;
  // A training forward already moves BatchNormalization's moving statistics; keep a copy so that
  // a NaN/Inf batch can put them back (they are a few floats per channel).
  saved_state_.clear();
  if (training)
    for (std::size_t i = 0; i < model_->size(); ++i)
      for (auto& w : model_->layer(i).non_trainable_weights())
        saved_state_.insert(saved_state_.end(), w.value->begin(), w.value->end());
  const Tensor& out = model_->forward(x_, mode);
  BatchStats stats;
  stats.size = n;
  stats.loss = loss_forward_backward(loss_, out, y_.data(), training ? &loss_grad_ : nullptr);
  stats.loss += model_->regularization_penalty();
  stats.accuracy = double(count_correct(loss_, out, y_.data())) / double(n);
  if (training && !std::isfinite(stats.loss)) {  // keep the last good weights (TerminateOnNaN)
    const float* saved = saved_state_.data();
    for (std::size_t i = 0; i < model_->size(); ++i)
      for (auto& w : model_->layer(i).non_trainable_weights()) {
        std::copy_n(saved, w.value->size(), w.value->data());
        saved += w.value->size();
      }
    throw Error(std::string("training: the loss is ") +
                (std::isnan(stats.loss) ? "NaN" : "infinite") +
                "; this batch's update was skipped, so the weights are the last good ones");
  }
  if (training) {
    model_->backward(loss_grad_);
    model_->add_regularization_gradients();
    optimizer_->apply(model_->params());
  }
  return stats;
}

BatchStats Trainer::train_on_batch(const float* x, const float* y, std::size_t n,
                                   std::size_t y_size) {
  require_compiled();
  stage(x, y, n, y_size);
  return run_batch(Mode::training, n);
}

BatchStats Trainer::test_on_batch(const float* x, const float* y, std::size_t n,
                                  std::size_t y_size) {
  require_compiled();
  stage(x, y, n, y_size);
  return run_batch(Mode::inference, n);
}

BatchStats Trainer::evaluate(const float* x, const float* y, std::size_t n, std::size_t y_size,
                             std::size_t batch_size) {
  require_compiled();
  if (batch_size == 0) throw Error("evaluate: batch_size must be at least 1");
  if (n == 0 || y_size % n != 0)
    throw Error("evaluate: expected targets for " + std::to_string(n) + " samples, got " +
                std::to_string(y_size) + " values");
  const std::size_t width = y_size / n, sample = shape_size(model_->input_shape());
  BatchStats total;
  for (std::size_t start = 0; start < n; start += batch_size) {
    const std::size_t m = std::min(batch_size, n - start);
    const BatchStats b = test_on_batch(x + start * sample, y + start * width, m, m * width);
    total.loss += b.loss * m;
    total.accuracy += b.accuracy * m;
  }
  total.size = n;
  total.loss /= n;
  total.accuracy /= n;
  return total;
}

const Tensor& Trainer::predict(const float* x, std::size_t n) {
  return layer_output(x, n, model_->size() - 1);
}

const Tensor& Trainer::layer_output(const float* x, std::size_t n, std::size_t layer) {
  if (layer >= model_->size())
    throw Error("layer_output: layer index " + std::to_string(layer) +
                " is out of range (the model has " + std::to_string(model_->size()) + " layers)");
  if (n == 0) throw Error("data: the batch is empty");
  ensure_batched(x_, n, model_->input_shape());
  std::memcpy(x_.data(), x, sizeof(float) * x_.size());
  return model_->forward(x_, Mode::inference, layer);
}

// Every target is checked when the data arrives, so a label the model cannot output is found
// before the first batch and not when a shuffle happens to reach it.
void Trainer::check_targets(const std::string& slot, const Dataset& data) const {
  const std::size_t classes = shape_size(model_->output_shape());
  const bool sparse = loss_ == LossKind::sparse_categorical_crossentropy;
  const std::size_t width = sparse ? 1 : classes;
  if (data.target_width() != width)
    throw Error("data '" + slot + "': the targets have width " +
                std::to_string(data.target_width()) + " but " + loss_name(loss_) + " needs " +
                std::to_string(width) +
                (sparse ? " (one integer label per sample)" : " (one-hot rows)"));
  if (!sparse) return;
  const std::vector<float>& labels = data.targets();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const float v = labels[i];
    if (!std::isfinite(v) || v != std::floor(v) || v < 0.0f || v >= float(classes))
      throw Error("data '" + slot + "': label " + format_number(v) + " at sample " +
                  std::to_string(i) + " is outside [0, " + std::to_string(classes) +
                  "): the model's last layer has " + std::to_string(classes) + " units");
  }
}

void Trainer::set_data(const std::string& slot, Dataset data) {
  const std::size_t sample = shape_size(model_->input_shape());
  if (data.sample_size() != sample)
    throw Error("data '" + slot + "': samples have " + std::to_string(data.sample_size()) +
                " values but the model's input " + keras_shape(model_->input_shape()) + " needs " +
                std::to_string(sample));
  if (compiled_) check_targets(slot, data);
  data_[slot] = std::move(data);
  if (slot == "train") epoch_ = -1, cursor_ = 0, order_.clear();
}

BatchStats Trainer::evaluate_data(const std::string& slot, std::size_t batch_size) {
  auto it = data_.find(slot);
  if (it == data_.end()) throw Error("evaluate: no dataset named '" + slot + "' was loaded");
  require_compiled();
  if (batch_size == 0) throw Error("evaluate: batch_size must be at least 1");
  const Dataset& d = it->second;
  // Gathered one batch at a time, as evaluate() walks them (same batches, same sums): the whole
  // split as floats would be 4 bytes a pixel, 123 MB for CIFAR-10's test set.
  const std::size_t n = d.size(), width = d.target_width();
  std::vector<uint32_t> indices(std::min(batch_size, n));
  std::vector<float> x(indices.size() * d.sample_size()), y(indices.size() * width);
  BatchStats total;
  for (std::size_t start = 0; start < n; start += batch_size) {
    const std::size_t m = std::min(batch_size, n - start);
    for (std::size_t i = 0; i < m; ++i) indices[i] = uint32_t(start + i);
    d.gather(indices.data(), m, x.data(), y.data());
    const BatchStats b = test_on_batch(x.data(), y.data(), m, m * width);
    total.loss += b.loss * m;
    total.accuracy += b.accuracy * m;
  }
  total.size = n;
  total.loss /= n;
  total.accuracy /= n;
  return total;
}

void Trainer::start_training(std::size_t batch_size, bool shuffle) {
  if (!has_data("train")) throw Error("train: no training data was loaded");
  if (batch_size == 0) throw Error("train: batch_size must be at least 1");
  batch_size_ = batch_size;
  shuffle_ = shuffle;
  epoch_ = -1;
  cursor_ = 0;
  order_.clear();
}

StepStats Trainer::train_step() {
  require_compiled();
  auto it = data_.find("train");
  if (it == data_.end()) throw Error("train: no training data was loaded");
  const Dataset& d = it->second;
  if (epoch_ < 0 || cursor_ >= order_.size()) {  // a new epoch
    if (shuffle_) {
      rng_.permutation(uint32_t(d.size()), order_);
    } else {
      order_.resize(d.size());
      for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    }
    cursor_ = 0;
    ++epoch_;
  }
  const std::size_t n = std::min(batch_size_, order_.size() - cursor_);
  ensure_batched(x_, n, model_->input_shape());
  y_.resize(n * d.target_width());
  d.gather(order_.data() + cursor_, n, x_.data(), y_.data());
  const int batch = int(cursor_ / batch_size_);
  cursor_ += n;
  // The stage() checks, for data that bypassed it.
  const std::size_t width =
      loss_ == LossKind::sparse_categorical_crossentropy ? 1 : shape_size(model_->output_shape());
  if (d.target_width() != width)
    throw Error("labels: the training targets have width " + std::to_string(d.target_width()) +
                " but " + loss_name(loss_) + " needs " + std::to_string(width));
  const BatchStats b = run_batch(Mode::training, n);
  StepStats s;
  s.loss = b.loss, s.accuracy = b.accuracy, s.size = n;
  s.epoch = epoch_;
  s.batch = batch;
  s.batches = int((d.size() + batch_size_ - 1) / batch_size_);
  return s;
}

std::vector<float> Trainer::get_weights() {
  std::vector<float> out;
  for (auto& w : model_->weights()) out.insert(out.end(), w.value->begin(), w.value->end());
  return out;
}

void Trainer::set_weights(const std::vector<float>& values) {
  std::size_t total = 0;
  for (auto& w : model_->weights()) total += w.value->size();
  if (values.size() != total)
    throw Error("weights: the model has " + std::to_string(total) + " weight values but " +
                std::to_string(values.size()) + " were given");
  std::size_t offset = 0;
  for (auto& w : model_->weights()) {
    std::copy_n(values.data() + offset, w.value->size(), w.value->data());
    offset += w.value->size();
  }
}

std::string Trainer::weights_manifest() {
  Json list = Json::array();
  for (std::size_t i = 0; i < model_->size(); ++i) {
    Layer& layer = model_->layer(i);
    auto add = [&](const std::string& name, const Tensor& t) {
      list.push_back({{"name", layer.name() + "/" + name}, {"shape", t.shape()}});
    };
    for (auto& p : layer.params()) add(p.name, *p.value);
    for (auto& w : layer.non_trainable_weights()) add(w.name, *w.value);
  }
  return list.dump();
}

namespace {

// "sequential/conv2d/kernel:0" -> "conv2d/kernel": the last two path parts, no ":0".
std::string weight_key(std::string name) {
  const auto colon = name.rfind(':');
  if (colon != std::string::npos && colon > name.rfind('/')) name.resize(colon);
  const auto last = name.rfind('/');
  if (last == std::string::npos || last == 0) return name;
  const auto before = name.rfind('/', last - 1);
  return before == std::string::npos ? name : name.substr(before + 1);
}

std::string dims(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// A short rendering of a JSON value for messages (a hostile file may hold megabytes).
std::string brief(const Json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

void Trainer::load_weights(const std::string& manifest_json, const uint8_t* bytes,
                           std::size_t size) {
  const std::string where = "weights manifest";
  const Json root = parse_json(manifest_json, where);
  const Json* groups = &root;
  if (root.is_object()) {
    if (!root.contains("weightsManifest"))
      throw Error(where + ": model.json has no 'weightsManifest' field");
    groups = &root["weightsManifest"];
  }
  if (!groups->is_array())
    throw Error(where + ": 'weightsManifest' must be a list of {paths, weights}, got " +
                brief(*groups));

  // The model's weights by key, in Keras order.
  struct Slot {
    std::string name;
    Tensor* value;
    bool given = false;
  };
  std::vector<Slot> slots;
  std::map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < model_->size(); ++i) {
    Layer& layer = model_->layer(i);
    auto add = [&](const std::string& name, Tensor* t) {
      by_key[layer.name() + "/" + name] = slots.size();
      slots.push_back({layer.name() + "/" + name, t});
    };
    for (auto& p : layer.params()) add(p.name, p.value);
    for (auto& w : layer.non_trainable_weights()) add(w.name, w.value);
  }

  std::string files;       // for messages: "weights.bin" or "group1-shard1of2, group1-shard2of2"
  std::size_t offset = 0;  // in floats; bounded by the model's size, since every entry matches
  std::vector<std::pair<std::size_t, std::size_t>> placed;  // (slot, offset)
  for (std::size_t g = 0; g < groups->size(); ++g) {
    const Json& group = (*groups)[g];
    const std::string at = where + " group " + std::to_string(g);
    if (!group.is_object() || !group.contains("weights") || !group["weights"].is_array())
      throw Error(at + ": expected {\"paths\": [...], \"weights\": [...]}, got " + brief(group));
    if (group.contains("paths")) {
      if (!group["paths"].is_array()) throw Error(at + ": 'paths' must be a list of file names");
      for (auto& p : group["paths"]) {
        if (!p.is_string()) throw Error(at + ": 'paths' must be a list of file names");
        files += (files.empty() ? "" : ", ") + p.get<std::string>();
      }
    }
    for (auto& w : group["weights"]) {
      if (!w.is_object() || !w.contains("name") || !w["name"].is_string())
        throw Error(at + ": every weight needs a string 'name', got " + brief(w));
      const std::string name = w["name"];
      const std::string what = where + ": weight '" + name + "'";
      if (w.contains("dtype") && w["dtype"] != "float32")
        throw Error(what + " has dtype " + brief(w["dtype"]) + " (only float32 is supported)");
      if (w.contains("quantization") && !w["quantization"].is_null())
        throw Error(what + " is quantized (not supported)");
      auto it = by_key.find(name);
      if (it == by_key.end()) it = by_key.find(weight_key(name));
      if (it == by_key.end()) {
        std::string known;
        for (auto& s : slots) known += (known.empty() ? "" : ", ") + s.name;
        throw Error(what + " is not in the model (its weights: " + known + ")");
      }
      Slot& slot = slots[it->second];
      if (slot.given) throw Error(what + ": " + slot.name + " is given twice");
      if (!w.contains("shape") || !w["shape"].is_array())
        throw Error(what + ": 'shape' must be a list of sizes");
      const Shape want(slot.value->shape().begin(), slot.value->shape().end());
      bool same = w["shape"].size() == want.size();
      for (std::size_t d = 0; same && d < want.size(); ++d)
        same = w["shape"][d].is_number_unsigned() && w["shape"][d].get<uint64_t>() == want[d];
      if (!same)
        throw Error(what + " has shape " + brief(w["shape"]) + " but the model's " + slot.name +
                    " is " + dims(want));
      slot.given = true;
      placed.emplace_back(it->second, offset);
      offset += slot.value->size();
    }
  }
  for (auto& s : slots)
    if (!s.given) throw Error(where + ": the model's weight '" + s.name + "' is missing");
  if (files.empty()) files = "weights data";
  if (size != offset * sizeof(float))
    throw Error(files + ": " + std::to_string(size) + " bytes but the manifest describes " +
                std::to_string(offset) + " float32 values (" +
                std::to_string(offset * sizeof(float)) + " bytes)");
  // Copy out first (bytes need not be aligned for float), check, then commit all at once.
  std::vector<float> values(offset);
  if (offset) std::memcpy(values.data(), bytes, size);
  for (auto& [slot, start] : placed)
    for (std::size_t i = 0; i < slots[slot].value->size(); ++i)
      if (!std::isfinite(values[start + i]))
        throw Error(files + ": weight '" + slots[slot].name + "' holds " +
                    (std::isnan(values[start + i]) ? "NaN" : "an infinite value") + " at index " +
                    std::to_string(i));
  for (auto& [slot, start] : placed)
    std::copy_n(values.data() + start, slots[slot].value->size(), slots[slot].value->data());
}

float Trainer::learning_rate() const {
  require_compiled();
  return optimizer_->learning_rate();
}

void Trainer::set_learning_rate(float lr) {
  require_compiled();
  optimizer_->set_learning_rate(lr);
}

long Trainer::iterations() const {
  return compiled_ ? optimizer_->iterations() : 0;
}

}  // namespace convlab
