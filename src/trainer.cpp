#include "trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/format.hpp"
#include "model/keras_config.hpp"
#include "model/summary.hpp"
#include "model/tfjs_weights.hpp"

namespace convlab {

namespace {

// The sample-weighted mean of batch_stats(start, m) over consecutive batches of n samples: how
// Keras's evaluate() averages its batches.
template <class BatchFn>
BatchStats mean_over_batches(std::size_t n, std::size_t batch_size, BatchFn batch_stats) {
  BatchStats total;
  for (std::size_t start = 0; start < n; start += batch_size) {
    const std::size_t m = std::min(batch_size, n - start);
    const BatchStats b = batch_stats(start, m);
    total.loss += b.loss * m;
    total.accuracy += b.accuracy * m;
  }
  total.size = n;
  total.loss /= n;
  total.accuracy /= n;
  return total;
}

}  // namespace

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
    layers.push_back({{"name", layer.name()},
                      {"class_name", layer.class_name()},
                      {"output_shape", model_->output_shape(i)},
                      {"params", model_->layer_weight_count(i)}});
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
    for (const Weight& w : model_->non_trainable_weights())
      saved_state_.insert(saved_state_.end(), w.value->begin(), w.value->end());
  const Tensor& out = model_->forward(x_, mode);
  BatchStats stats;
  stats.size = n;
  stats.loss = loss_forward_backward(loss_, out, y_.data(), training ? &loss_grad_ : nullptr);
  stats.loss += model_->regularization_penalty();
  stats.accuracy = double(count_correct(loss_, out, y_.data())) / double(n);
  if (training && !std::isfinite(stats.loss)) {  // keep the last good weights (TerminateOnNaN)
    const float* saved = saved_state_.data();
    for (const Weight& w : model_->non_trainable_weights()) {
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
  return mean_over_batches(n, batch_size, [&](std::size_t start, std::size_t m) {
    return test_on_batch(x + start * sample, y + start * width, m, m * width);
  });
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
  return mean_over_batches(n, batch_size, [&](std::size_t start, std::size_t m) {
    for (std::size_t i = 0; i < m; ++i) indices[i] = uint32_t(start + i);
    d.gather(indices.data(), m, x.data(), y.data());
    return test_on_batch(x.data(), y.data(), m, m * width);
  });
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

std::string Trainer::weights_manifest() {
  return tfjs_weights_manifest(*model_);
}

void Trainer::load_weights(const std::string& manifest_json, const uint8_t* bytes,
                           std::size_t size) {
  load_tfjs_weights(*model_, manifest_json, bytes, size);
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
