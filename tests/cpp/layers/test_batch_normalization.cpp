#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "layers/batch_normalization.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

namespace {

// Per-channel mean and biased variance of an (..., C) tensor, in double.
void channel_stats(const Tensor& t, std::size_t c_n, std::vector<double>& mean,
                   std::vector<double>& var) {
  const std::size_t m_n = t.size() / c_n;
  mean.assign(c_n, 0.0);
  var.assign(c_n, 0.0);
  for (std::size_t i = 0; i < t.size(); ++i) mean[i % c_n] += t.data()[i];
  for (auto& m : mean) m /= double(m_n);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double d = t.data()[i] - mean[i % c_n];
    var[i % c_n] += d * d;
  }
  for (auto& v : var) v /= double(m_n);
}

// An (N, H, W, C) batch whose channels have very different means and spreads.
Tensor shifted_batch(Rng& rng) {
  Tensor x = random_tensor({4, 5, 5, 3}, rng);
  const float offset[3] = {5.0f, -2.0f, 0.5f}, scale[3] = {3.0f, 0.5f, 1.0f};
  for (std::size_t i = 0; i < x.size(); ++i)
    x.data()[i] = x.data()[i] * scale[i % 3] + offset[i % 3];
  return x;
}

}  // namespace

TEST_CASE("batch normalization in training gives each channel mean 0 and variance 1") {
  Rng rng(1);
  BatchNormalization bn("bn");
  REQUIRE(bn.build({5, 5, 3}, rng) == Shape{5, 5, 3});
  const Tensor x = shifted_batch(rng);
  const Tensor& y = bn.forward(x, Mode::training);
  std::vector<double> mean, var;
  channel_stats(y, 3, mean, var);
  for (int c = 0; c < 3; ++c) {
    CAPTURE(c);
    CHECK(std::fabs(mean[c]) < 1e-5);
    // var / (var + eps) with eps = 1e-3: slightly under 1 for the channel with std 0.5.
    CHECK(var[c] == doctest::Approx(1.0).epsilon(1e-2));
  }
}

TEST_CASE("batch normalization moving statistics after one step are 0.99 init + 0.01 batch") {
  Rng rng(2);
  BatchNormalization bn("bn");
  bn.build({5, 5, 3}, rng);
  const Tensor x = shifted_batch(rng);
  bn.forward(x, Mode::training);
  std::vector<double> mean, var;
  channel_stats(x, 3, mean, var);
  auto w = bn.non_trainable_weights();
  REQUIRE(w.size() == 2);
  CHECK(w[0].name == "moving_mean");
  CHECK(w[1].name == "moving_variance");
  for (int c = 0; c < 3; ++c) {
    CAPTURE(c);
    // moving_mean starts at 0 and moving_variance at 1; the variance is the biased one.
    CHECK((*w[0].value)(c) == doctest::Approx(0.99 * 0.0 + 0.01 * mean[c]).epsilon(1e-5));
    CHECK((*w[1].value)(c) == doctest::Approx(0.99 * 1.0 + 0.01 * var[c]).epsilon(1e-5));
  }
}

TEST_CASE("batch normalization in inference uses the moving statistics, worked by hand") {
  Rng rng(3);
  BatchNormalization bn("bn", 0.9f, 0.01f);
  bn.build({2}, rng);
  auto p = bn.params();
  auto w = bn.non_trainable_weights();
  *p[0].value = Tensor{2.0f, 0.5f};    // gamma
  *p[1].value = Tensor{1.0f, -1.0f};   // beta
  *w[0].value = Tensor{1.0f, -3.0f};   // moving_mean
  *w[1].value = Tensor{3.99f, 0.24f};  // moving_variance: + eps = 4 and 0.25
  const Tensor x{{3.0f, -2.0f}, {0.0f, -4.0f}};
  const Tensor& y = bn.forward(x, Mode::inference);
  CHECK(y(0, 0) == doctest::Approx(2.0 * (3 - 1) / 2 + 1));     // 3
  CHECK(y(0, 1) == doctest::Approx(0.5 * (-2 + 3) / 0.5 - 1));  // 0
  CHECK(y(1, 0) == doctest::Approx(2.0 * (0 - 1) / 2 + 1));     // 0
  CHECK(y(1, 1) == doctest::Approx(0.5 * (-4 + 3) / 0.5 - 1));  // -2
  // Inference leaves the moving statistics alone.
  CHECK((*w[0].value)(0) == 1.0f);
  CHECK((*w[1].value)(1) == 0.24f);
}

TEST_CASE("batch normalization on 32 channels has 64 trainable and 64 non-trainable weights") {
  Rng rng(4);
  BatchNormalization bn("bn");
  bn.build({8, 8, 32}, rng);
  std::size_t trainable = 0, frozen = 0;
  auto p = bn.params();
  REQUIRE(p.size() == 2);
  CHECK(p[0].name == "gamma");
  CHECK(p[1].name == "beta");
  for (auto& q : p) trainable += q.value->size();
  for (auto& q : bn.non_trainable_weights()) frozen += q.value->size();
  CHECK(trainable == 64);
  CHECK(frozen == 64);
  CHECK(xt::amin(*p[0].value)() == 1.0f);
  CHECK(xt::amax(*p[0].value)() == 1.0f);
  CHECK(xt::amax(xt::abs(*p[1].value))() == 0.0f);
}

TEST_CASE("batch normalization training gradients match finite differences on (N, D)") {
  Rng rng(5);
  BatchNormalization bn("bn");
  bn.build({4}, rng);
  auto p = bn.params();
  *p[0].value = random_tensor({4}, rng, 0.5f, 2.0f);
  *p[1].value = random_tensor({4}, rng);
  testing::check_layer_gradients(bn, random_tensor({6, 4}, rng));
}

TEST_CASE("batch normalization training gradients match finite differences on (N, H, W, C)") {
  Rng rng(6);
  BatchNormalization bn("bn");
  bn.build({3, 3, 2}, rng);
  auto p = bn.params();
  *p[0].value = Tensor{1.5f, -0.7f};
  *p[1].value = Tensor{0.3f, -0.2f};
  testing::check_layer_gradients(bn, random_tensor({2, 3, 3, 2}, rng));
}

TEST_CASE("batch normalization inference gradients match finite differences") {
  Rng rng(7);
  BatchNormalization bn("bn");
  bn.build({2, 2, 3}, rng);
  auto p = bn.params();
  auto w = bn.non_trainable_weights();
  *p[0].value = Tensor{1.5f, -0.7f, 0.9f};
  *p[1].value = Tensor{0.3f, -0.2f, 0.0f};
  *w[0].value = Tensor{0.2f, -0.4f, 1.0f};
  *w[1].value = Tensor{0.5f, 2.0f, 1.3f};
  testing::GradCheckOptions o;
  o.mode = Mode::inference;
  testing::check_layer_gradients(bn, random_tensor({3, 2, 2, 3}, rng), o);
}

TEST_CASE("batch normalization rejects bad momentum and epsilon and names the layer") {
  CHECK_THROWS_WITH_AS(BatchNormalization("bn_2", 1.0f),
                       "bn_2: BatchNormalization momentum must be in [0, 1), got 1", Error);
  CHECK_THROWS_AS(BatchNormalization("bn", -0.1f), Error);
  CHECK_THROWS_AS(BatchNormalization("bn", std::nanf("")), Error);
  CHECK_THROWS_WITH_AS(BatchNormalization("bn_2", 0.99f, 0.0f),
                       "bn_2: BatchNormalization epsilon must be > 0, got 0", Error);
  Rng rng(1);
  BatchNormalization bn("bn_3");
  CHECK_THROWS_AS(bn.build({}, rng), Error);
}

TEST_CASE("batch normalization config lists the Keras fields") {
  BatchNormalization bn("bn", 0.9f, 1e-5f);
  const Json c = bn.config();
  CHECK(c.dump() == R"({"axis":-1,"momentum":0.9,"epsilon":1e-05,"center":true,"scale":true,)"
                    R"("beta_initializer":{"class_name":"Zeros","config":{}},)"
                    R"("gamma_initializer":{"class_name":"Ones","config":{}},)"
                    R"("moving_mean_initializer":{"class_name":"Zeros","config":{}},)"
                    R"("moving_variance_initializer":{"class_name":"Ones","config":{}},)"
                    R"("beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,)"
                    R"("gamma_constraint":null})");
}
