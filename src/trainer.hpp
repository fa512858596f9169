// Trainer: the one facade the outside world (the wasm bindings, the tests) uses. It owns a
// Sequential model, its optimizer and loss, the seeded RNG, and any datasets handed to it, and
// offers Keras's step-wise API: train_on_batch, test_on_batch, evaluate, predict, the output
// of any layer, get/set weights, plus an in-engine epoch cursor (train_step) so a Worker can
// pause, resume and single-step without copying batches across the JS boundary.
// Plain C++: it knows nothing of JS, and prints nothing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "data/dataset.hpp"
#include "losses/loss.hpp"
#include "model/sequential.hpp"
#include "optimizers/optimizer.hpp"

namespace convlab {

struct BatchStats {
  double loss = 0.0;      // mean loss over the batch, plus the regularization penalty (Keras)
  double accuracy = 0.0;  // fraction of the batch classified correctly
  std::size_t size = 0;
};

struct StepStats {
  double loss = 0.0, accuracy = 0.0;
  std::size_t size = 0;
  int epoch = 0;    // 0-based epoch of this batch
  int batch = 0;    // 0-based index of this batch within its epoch
  int batches = 0;  // batches per epoch
};

class Trainer {
 public:
  // model_json: any form model_from_json accepts; default_input_shape: the data's sample shape,
  // used when the config gives none (Keras then builds the model on first fit).
  Trainer(const std::string& model_json, uint32_t seed, const Shape& default_input_shape = {});
  ~Trainer();

  // Keras compile: optimizer spec (name or Keras JSON), loss name. Metric: accuracy, always.
  void compile(const std::string& optimizer_json, const std::string& loss);

  std::string summary();
  std::string to_json();
  // [{"name", "class_name", "output_shape", "params"}] for every layer.
  std::string describe();
  Sequential& model() { return *model_; }
  // How many samples `values` floats hold; throws when it is not a whole number of inputs.
  std::size_t count_samples(std::size_t values, const std::string& what) const;

  BatchStats train_on_batch(const float* x, const float* y, std::size_t n, std::size_t y_size);
  BatchStats test_on_batch(const float* x, const float* y, std::size_t n, std::size_t y_size);
  BatchStats evaluate(const float* x, const float* y, std::size_t n, std::size_t y_size,
                      std::size_t batch_size = 32);
  // Model output (N, ...) in inference mode.
  const Tensor& predict(const float* x, std::size_t n);
  // Output (N, ...) of layer `layer` (0-based) in inference mode: feature maps.
  const Tensor& layer_output(const float* x, std::size_t n, std::size_t layer);

  // Named datasets ("train", "validation", "test", ...) kept inside the engine.
  void set_data(const std::string& slot, Dataset data);
  bool has_data(const std::string& slot) const { return data_.count(slot) > 0; }
  // Frees a slot (nothing if it is empty): a caller about to replace a large dataset clears it
  // first, so the old and the new copy are never both in memory (the wasm heap never shrinks).
  void clear_data(const std::string& slot) {
    data_.erase(slot);
    if (slot == "train") epoch_ = -1, cursor_ = 0, order_.clear();
  }
  BatchStats evaluate_data(const std::string& slot, std::size_t batch_size = 32);
  // Starts epochs over data "train": batch_size samples per step (the last batch of an epoch may
  // be smaller, as in Keras), reshuffled with the model's RNG at each epoch start if shuffle.
  void start_training(std::size_t batch_size, bool shuffle);
  StepStats train_step();

  std::vector<float> get_weights();  // every weight, Keras order, flattened
  void set_weights(const std::vector<float>& values);
  // TF.js layers weights (model/tfjs_weights.hpp): the manifest, and an all-or-nothing load.
  std::string weights_manifest();
  void load_weights(const std::string& manifest_json, const uint8_t* bytes, std::size_t size);

  float learning_rate() const;
  void set_learning_rate(float lr);
  long iterations() const;
  std::vector<uint32_t> permutation(uint32_t n) { return rng_.permutation(n); }

 private:
  void stage(const float* x, const float* y, std::size_t n, std::size_t y_size);
  BatchStats run_batch(Mode mode, std::size_t n);
  void require_compiled() const;
  void check_targets(const std::string& slot, const Dataset& data) const;

  Rng rng_;
  std::unique_ptr<Sequential> model_;
  std::unique_ptr<Optimizer> optimizer_;
  LossKind loss_ = LossKind::sparse_categorical_crossentropy;
  bool compiled_ = false;

  Tensor x_;              // staged batch (N, input_shape...)
  std::vector<float> y_;  // staged targets
  Tensor loss_grad_;      // dLoss/dy_pred

  // Non-trainable weights (BatchNormalization's moving statistics) as they were before the
  // current training batch, flattened: restored when its loss is NaN/Inf. Capacity is kept.
  std::vector<float> saved_state_;

  std::map<std::string, Dataset> data_;
  std::vector<uint32_t> order_;  // sample order of the current epoch
  std::size_t batch_size_ = 32, cursor_ = 0;
  int epoch_ = -1;
  bool shuffle_ = true;
};

}  // namespace convlab
