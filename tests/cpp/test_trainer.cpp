#include <doctest/doctest.h>

#include <functional>
#include <numeric>

#include "core/error.hpp"
#include "data/idx.hpp"
#include "error_of.hpp"
#include "test_files.hpp"
#include "test_models.hpp"
#include "trainer.hpp"

using namespace convlab;

using convlab::testing::error_of;

namespace {

const char* kToyModel = R"({"input_shape": [6, 6, 1], "layers": [
  {"Conv2D": {"filters": 3, "kernel_size": 3, "activation": "relu", "padding": "same"}},
  "MaxPooling2D", "BatchNormalization", {"Dropout": {"rate": 0.25}}, "Flatten",
  {"Dense": {"units": 4, "activation": "softmax", "kernel_regularizer": "l2"}}]})";

struct Toy {
  std::vector<float> x, y;
  std::size_t n;
};

Toy toy_data(std::size_t n, uint64_t seed) {
  Rng rng(seed);
  Toy t{std::vector<float>(n * 36), std::vector<float>(n), n};
  for (auto& v : t.x) v = rng.uniform();
  for (auto& v : t.y) v = float(rng.below(4));
  return t;
}

struct FashionSlice {
  Dataset train, test;
};

// The first `n_train` training and `n_test` test images of the real Fashion-MNIST.
FashionSlice fashion_slice(std::size_t n_train, std::size_t n_test) {
  auto load = [](const char* prefix, std::size_t n) {
    const auto img =
        testing::read_bytes(testing::data_file(std::string(prefix) + "-images-idx3-ubyte"));
    const auto lab =
        testing::read_bytes(testing::data_file(std::string(prefix) + "-labels-idx1-ubyte"));
    IdxImages images = parse_idx_images(img.data(), img.size(), prefix);
    IdxLabels labels = parse_idx_labels(lab.data(), lab.size(), prefix);
    images.pixels.resize(n * 784);
    std::vector<float> targets(labels.labels.begin(), labels.labels.begin() + n);
    return Dataset::from_bytes(std::move(images.pixels), std::move(targets), n, 784, 1);
  };
  return {load("train", n_train), load("t10k", n_test)};
}

}  // namespace

TEST_CASE("training on 8 samples drives the loss down (overfitting works)") {
  Trainer t(kToyModel, 3);
  t.compile("adam", "sparse_categorical_crossentropy");
  const Toy d = toy_data(8, 1);
  const double first = t.train_on_batch(d.x.data(), d.y.data(), 8, 8).loss;
  BatchStats last;
  // 400 steps: long enough for the BatchNormalization moving statistics (momentum 0.99) to
  // settle, so the inference-mode check below sees them.
  for (int i = 0; i < 400; ++i) last = t.train_on_batch(d.x.data(), d.y.data(), 8, 8);
  CHECK(last.loss < 0.5 * first);
  CHECK(t.test_on_batch(d.x.data(), d.y.data(), 8, 8).accuracy >= 0.75);
  CHECK(t.iterations() == 401);
}

TEST_CASE("the same seed gives the same weights and the same losses") {
  auto run = [](uint32_t seed) {
    Trainer t(kToyModel, seed);
    t.compile("adam", "sparse_categorical_crossentropy");
    const Toy d = toy_data(16, 2);
    std::vector<double> losses;
    t.set_data("train", Dataset::from_floats(d.x, d.y, 16, 36, 1));
    t.start_training(4, true);
    for (int i = 0; i < 12; ++i) losses.push_back(t.train_step().loss);
    return std::make_pair(losses, t.get_weights());
  };
  const auto a = run(42), b = run(42), c = run(43);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);
}

TEST_CASE("train_step walks epochs in batches, the last one smaller, as Keras does") {
  Trainer t(kToyModel, 1);
  t.compile("sgd", "sparse_categorical_crossentropy");
  const Toy d = toy_data(10, 3);
  t.set_data("train", Dataset::from_floats(d.x, d.y, 10, 36, 1));
  t.start_training(4, false);
  std::vector<std::pair<int, int>> seen;
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 4; ++i) {
    const StepStats s = t.train_step();
    seen.push_back({s.epoch, s.batch});
    sizes.push_back(s.size);
    CHECK(s.batches == 3);
  }
  CHECK(seen == std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}, {1, 0}});
  CHECK(sizes == std::vector<std::size_t>{4, 4, 2, 4});
}

TEST_CASE("the reported loss includes the kernel regularization penalty") {
  Trainer t(kToyModel, 5);
  t.compile("adam", "sparse_categorical_crossentropy");
  const Toy d = toy_data(4, 4);
  const double with_penalty = t.test_on_batch(d.x.data(), d.y.data(), 4, 4).loss;
  const double penalty = t.model().regularization_penalty();
  CHECK(penalty > 0.0);
  // Zero the penalised kernel (the last Dense's): the loss drops by exactly the penalty, and the
  // softmax of all-zero logits gives -log(1/4).
  auto params = t.model().params();
  params[params.size() - 2].value->fill(0.0f);
  params.back().value->fill(0.0f);
  const double without = t.test_on_batch(d.x.data(), d.y.data(), 4, 4).loss;
  CHECK(without == doctest::Approx(std::log(4.0)).epsilon(1e-5));
  CHECK(with_penalty - penalty != doctest::Approx(without));  // the data term changed too
}

TEST_CASE("get_weights and set_weights round-trip in Keras order") {
  Trainer a(kToyModel, 1), b(kToyModel, 2);
  CHECK(a.get_weights() != b.get_weights());
  b.set_weights(a.get_weights());
  CHECK(a.get_weights() == b.get_weights());
  const Json manifest = Json::parse(a.weights_manifest());
  CHECK(manifest[0]["name"] == "conv2d/kernel");
  CHECK(manifest[0]["shape"] == Json::parse("[3, 3, 1, 3]"));
  CHECK(manifest[2]["name"] == "batch_normalization/gamma");
  CHECK(manifest[5]["name"] == "batch_normalization/moving_variance");
  const Toy d = toy_data(3, 9);
  const Tensor pa = a.predict(d.x.data(), 3);
  CHECK(pa == b.predict(d.x.data(), 3));
  CHECK(a.layer_output(d.x.data(), 3, 0).shape() == std::vector<std::size_t>{3, 6, 6, 3});
}

TEST_CASE("trainer errors say what is wrong") {
  Trainer t(kToyModel, 1);
  const Toy d = toy_data(4, 1);
  CHECK(error_of([&] { t.train_on_batch(d.x.data(), d.y.data(), 4, 4); }) ==
        "model: call compile(optimizer, loss) before training or evaluating");
  CHECK(error_of([&] { t.compile("adamw", "sparse_categorical_crossentropy"); }).find("adamw") !=
        std::string::npos);
  t.compile("adam", "categorical_crossentropy");
  CHECK(error_of([&] { t.train_on_batch(d.x.data(), d.y.data(), 4, 4); }) ==
        "labels: categorical_crossentropy needs one-hot targets (4, 4) but got one label per "
        "sample; use sparse_categorical_crossentropy");
  t.compile("adam", "sparse_categorical_crossentropy");
  std::vector<float> bad = d.y;
  bad[2] = 7;
  CHECK(error_of([&] { t.train_on_batch(d.x.data(), bad.data(), 4, 4); }).find("7") !=
        std::string::npos);
  CHECK(error_of([&] { t.set_weights({1.0f, 2.0f}); }).find("weights: the model has") == 0);
  CHECK(error_of([&] { t.layer_output(d.x.data(), 4, 6); }) ==
        "layer_output: layer index 6 is out of range (the model has 6 layers)");
  CHECK(error_of([&] { t.count_samples(37, "predict"); }) ==
        "predict: got 37 input values, not a whole number of samples of shape (None, 6, 6, 1) (36 "
        "values each)");
  CHECK(error_of([&] {
          t.set_data("train", Dataset::from_floats(std::vector<float>(784), {1}, 1, 784, 1));
        }) ==
        "data 'train': samples have 784 values but the model's input (None, 6, 6, 1) needs 36");
  CHECK(error_of([&] { t.start_training(0, true); }) == "train: no training data was loaded");
  CHECK(error_of([] {
          Trainer(R"({"input_shape": [4], "layers": [{"Dense": {"units": 3}}, "MaxPooling2D"]})",
                  1);
        }) ==
        "max_pooling2d: MaxPooling2D expects input (None, height, width, channels) but got (None, "
        "3)");
}

TEST_CASE("the lab CNN learns real Fashion-MNIST: loss falls, accuracy far above chance") {
  // 2,048 training images, one epoch of 64 batches of 32 (seeded), then 1,000 test images.
  FashionSlice data = fashion_slice(2048, 1000);
  Trainer t(testing::kLabModel, 1);
  t.compile("adam", "sparse_categorical_crossentropy");
  t.set_data("train", std::move(data.train));
  t.set_data("test", std::move(data.test));
  t.start_training(32, true);
  std::vector<double> losses;
  for (int i = 0; i < 64; ++i) losses.push_back(t.train_step().loss);
  const double first = std::accumulate(losses.begin(), losses.begin() + 8, 0.0) / 8;
  const double last = std::accumulate(losses.end() - 8, losses.end(), 0.0) / 8;
  CHECK(first > 1.5);  // about ln(10) = 2.30 at the start
  CHECK(last < 0.75 * first);
  const BatchStats test = t.evaluate_data("test", 32);
  CHECK(test.accuracy > 0.6);  // chance is 0.1
  CHECK(test.size == 1000);
}

TEST_CASE("set_data checks every target against the compiled loss and the output units") {
  Trainer t(kToyModel, 1);
  Toy d = toy_data(40, 2);
  d.y[37] = 4;  // the model has 4 output units: valid labels are 0..3
  // Before compile the loss is unknown: nothing to check yet.
  CHECK_NOTHROW(t.set_data("train", Dataset::from_floats(d.x, d.y, 40, 36, 1)));
  t.compile("adam", "sparse_categorical_crossentropy");
  CHECK(error_of([&] { t.set_data("train", Dataset::from_floats(d.x, d.y, 40, 36, 1)); }) ==
        "data 'train': label 4 at sample 37 is outside [0, 4): the model's last layer has 4 "
        "units");
  d.y[37] = 1.5f;
  CHECK(error_of([&] {
          t.set_data("validation", Dataset::from_floats(d.x, d.y, 40, 36, 1));
        }).find("label 1.5 at sample 37") != std::string::npos);
  d.y[37] = 3;
  CHECK_NOTHROW(t.set_data("train", Dataset::from_floats(d.x, d.y, 40, 36, 1)));
  t.compile("adam", "categorical_crossentropy");
  CHECK(error_of([&] { t.set_data("train", Dataset::from_floats(d.x, d.y, 40, 36, 1)); }) ==
        "data 'train': the targets have width 1 but categorical_crossentropy needs 4 (one-hot "
        "rows)");
}

TEST_CASE("evaluate_data, one gathered batch at a time, equals evaluate on the whole split") {
  Trainer t(kToyModel, 3);
  t.compile("adam", "sparse_categorical_crossentropy");
  const Toy d = toy_data(37, 5);  // 37: the last batch of 8 is short
  std::vector<uint8_t> bytes(d.x.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(d.x[i] * 255.0f);
  std::vector<float> scaled(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) scaled[i] = float(bytes[i]) / 255.0f;
  t.set_data("held", Dataset::from_bytes(bytes, d.y, 37, 36, 1));
  const BatchStats whole = t.evaluate(scaled.data(), d.y.data(), 37, 37, 8);
  const BatchStats batched = t.evaluate_data("held", 8);
  CHECK(batched.loss == whole.loss);
  CHECK(batched.accuracy == whole.accuracy);
  CHECK(batched.size == 37);
  CHECK(error_of([&] { t.evaluate_data("held", 0); }) == "evaluate: batch_size must be at least 1");
}

TEST_CASE("clear_data frees a slot: evaluating or training on it then says it is missing") {
  Trainer t(kToyModel, 3);
  t.compile("adam", "sparse_categorical_crossentropy");
  const Toy d = toy_data(16, 5);
  t.set_data("train", Dataset::from_floats(d.x, d.y, 16, 36, 1));
  t.set_data("held", Dataset::from_floats(d.x, d.y, 16, 36, 1));
  t.clear_data("held");
  CHECK_FALSE(t.has_data("held"));
  CHECK(t.has_data("train"));
  CHECK(error_of([&] { t.evaluate_data("held", 8); }) ==
        "evaluate: no dataset named 'held' was loaded");
  t.clear_data("train");
  CHECK_FALSE(t.has_data("train"));
  CHECK(error_of([&] { t.start_training(8, false); }) == "train: no training data was loaded");
  CHECK_NOTHROW(t.clear_data("never-set"));
}

TEST_CASE("a sigmoid Dense(1) with binary_crossentropy and rmsprop learns a two-class problem") {
  // Two Gaussian-ish blobs in 4-D split by x0 + x1 > 0: linearly separable, so binary accuracy
  // (p > 0.5 against the 0/1 target) should pass 95% after a few epochs.
  Rng rng(8);
  const std::size_t n = 256;
  std::vector<float> x(n * 4), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 4; ++j) x[i * 4 + j] = rng.uniform(-1.0f, 1.0f);
    y[i] = x[i * 4] + x[i * 4 + 1] > 0.0f ? 1.0f : 0.0f;
  }
  Trainer t(R"({"input_shape": [4], "layers": [{"Dense": {"units": 8, "activation": "tanh"}},
    {"Dense": {"units": 1, "activation": "sigmoid"}}]})",
            3);
  t.compile("rmsprop", "binary_crossentropy");
  t.set_data("train", Dataset::from_floats(x, y, n, 4, 1));
  const double before = t.evaluate_data("train").loss;
  t.start_training(32, true);
  for (int i = 0; i < 8 * 10; ++i) t.train_step();  // 10 epochs
  const BatchStats after = t.evaluate_data("train");
  CHECK(after.loss < 0.9 * before);
  CHECK(after.accuracy > 0.95);
  // Targets must be 0/1 probabilities of the one output.
  std::vector<float> wrong(n, 2.0f);
  CHECK(error_of([&] { t.train_on_batch(x.data(), wrong.data(), n, n); }).find("outside [0, 1]") !=
        std::string::npos);
}
