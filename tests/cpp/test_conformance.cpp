// The conformance table (conformance_cases.hpp) run for every case: finite-difference gradients,
// 1- vs 2-thread bit equality of a few training steps, and the Keras JSON round trip. Every
// layer of the catalog must have a case.
#include <doctest/doctest.h>

#include <cstring>
#include <set>

#include "conformance_cases.hpp"
#include "core/thread_pool.hpp"
#include "gradcheck.hpp"
#include "model/keras_config.hpp"
#include "model/layer_catalog.hpp"
#include "tensor_values.hpp"
#include "trainer.hpp"

using namespace convlab;
using namespace convlab::testing;

namespace {

Tensor sample_batch(const ConformanceCase& c, std::size_t n, Rng& rng) {
  Shape shape{n};
  shape.insert(shape.end(), c.input_shape.begin(), c.input_shape.end());
  if (!c.distinct) return random_tensor(shape, rng);
  Tensor t = Tensor::from_shape(shape);
  const auto order = rng.permutation(uint32_t(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = 0.1f * float(order[i]) - 2.95f;
  return t;
}

// Training data for training_model(c): n samples, labels 0..2.
Dataset training_data(const ConformanceCase& c, std::size_t n) {
  Rng rng(11);
  const Tensor x = sample_batch(c, n, rng);
  std::vector<float> y(n);
  for (auto& v : y) v = float(rng.below(3));
  return Dataset::from_floats(std::vector<float>(x.begin(), x.end()), y, n, x.size() / n, 1);
}

}  // namespace

TEST_CASE("conformance: every layer in the catalog has a case") {
  std::set<std::string> covered;
  for (const auto& c : conformance_cases()) {
    const LayerEntry* e = find_layer(c.class_name());
    REQUIRE_MESSAGE(e, c.layer);
    covered.insert(e->class_name);
  }
  for (const LayerEntry& e : layer_catalog())
    CHECK_MESSAGE(covered.count(e.class_name), e.class_name);
}

TEST_CASE("conformance: each layer's backward pass matches finite differences") {
  for (const auto& c : conformance_cases()) {
    CAPTURE(c.layer);
    Rng rng(21);
    auto model = model_from_json(c.model(), rng);
    Layer& layer = model->layer(0);
    layer.set_input_gradient_needed(true);  // Sequential turns it off for its first layer
    for (auto& p : layer.params())          // nonzero biases, so their gradients matter
      if (p.name == "bias" || p.name == "beta")
        *p.value = random_tensor(Shape(p.value->shape().begin(), p.value->shape().end()), rng,
                                 -0.5f, 0.5f);
    GradCheckOptions o;
    o.before_forward = [&] { rng.reseed(5); };  // Dropout draws the same mask each time
    check_layer_gradients(layer, sample_batch(c, 2, rng), o);
  }
}

TEST_CASE("conformance: training steps give the same bits on 1 and 2 threads, kernels split") {
  for (const auto& c : conformance_cases()) {
    CAPTURE(c.layer);
    auto run = [&](int threads) {
      const int saved = num_threads();
      const long work = min_parallel_work();
      set_num_threads(threads);
      set_min_parallel_work(0);
      Trainer t(training_model(c), 5);
      t.compile("adam", "sparse_categorical_crossentropy");
      t.set_data("train", training_data(c, 12));
      t.start_training(4, true);
      std::vector<float> losses;
      for (int i = 0; i < 4; ++i) losses.push_back(float(t.train_step().loss));
      std::vector<float> weights = t.get_weights();
      set_num_threads(saved);
      set_min_parallel_work(work);
      return std::make_pair(losses, weights);
    };
    const auto one = run(1), two = run(max_threads());
    CHECK(same_bits(one.first, two.first));
    CHECK(same_bits(one.second, two.second));
  }
}

TEST_CASE(
    "conformance: the Keras JSON config round trip gives the same model, summary and output") {
  for (const auto& c : conformance_cases()) {
    CAPTURE(c.layer);
    Trainer a(training_model(c), 7);
    const std::string json = a.to_json();
    Trainer b(json, 8);
    CHECK(b.to_json() == json);
    CHECK(b.summary() == a.summary());
    b.set_weights(a.get_weights());
    Rng rng(9);
    const Tensor x = sample_batch(c, 3, rng);
    const Tensor& ya = a.predict(x.data(), 3);
    const std::vector<float> out_a(ya.begin(), ya.end());
    const Tensor& yb = b.predict(x.data(), 3);
    CHECK(same_bits(out_a, std::vector<float>(yb.begin(), yb.end())));
  }
}
