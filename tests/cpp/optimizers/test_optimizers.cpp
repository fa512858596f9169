#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"

using namespace convlab;

namespace {

// One scalar weight w with gradient g, as the optimizer sees a layer's parameter.
struct Scalar {
  Tensor w = Tensor{1.0f};
  Tensor g = Tensor{0.0f};
  std::vector<Param> params() { return {{"kernel", &w, &g, {}}}; }
  float step(Optimizer& opt, float grad) {
    g(0) = grad;
    opt.apply(params());
    return w(0);
  }
};

}  // namespace

TEST_CASE("adam first two steps match the Keras formula worked by hand") {
  Adam adam;  // lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7
  Scalar s;
  // Step 1, t = 1, g = 0.5:
  //   lr_t = 0.001 * sqrt(1 - 0.999) / (1 - 0.9) = 0.001 * 0.0316228 / 0.1 = 3.16228e-4
  //   m = 0 + (0.5 - 0) * 0.1 = 0.05;  v = 0 + (0.25 - 0) * 0.001 = 2.5e-4;  sqrt(v) = 0.0158114
  //   w = 1 - 3.16228e-4 * 0.05 / (0.0158114 + 1e-7) = 1 - 9.99994e-4 = 0.99900000632
  CHECK(s.step(adam, 0.5f) == doctest::Approx(0.99900000632).epsilon(1e-7));
  CHECK(adam.iterations() == 1);
  // Step 2, t = 2, g = -0.25:
  //   lr_t = 0.001 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.001 * 0.0447102 / 0.19 = 2.35317e-4
  //   m = 0.05 + (-0.25 - 0.05) * 0.1 = 0.02
  //   v = 2.5e-4 + (0.0625 - 2.5e-4) * 0.001 = 3.1225e-4;  sqrt(v) = 0.0176706
  //   w = 0.99900000632 - 2.35317e-4 * 0.02 / (0.0176706 + 1e-7) = 0.99873367079
  CHECK(s.step(adam, -0.25f) == doctest::Approx(0.99873367079).epsilon(1e-7));
  CHECK(adam.iterations() == 2);
}

TEST_CASE("adam's vector body and scalar tail give the scalar formula bit for bit") {
  // 13 values: three SIMD batches and a tail of one, over three steps with varied gradients.
  Adam adam(0.01f);
  Tensor w = xt::zeros<float>({13}), g = xt::zeros<float>({13});
  std::vector<float> rw(13, 0.0f), rm(13, 0.0f), rv(13, 0.0f);
  for (int t = 1; t <= 3; ++t) {
    for (int i = 0; i < 13; ++i)
      g(i) = std::sin(float(i * 7 + t)) * std::pow(10.0f, float(i % 5 - 3));
    adam.apply({{"kernel", &w, &g, {}}});
    const float lr_t = float(double(0.01f) * std::sqrt(1.0 - std::pow(double(0.999f), t)) /
                             (1.0 - std::pow(double(0.9f), t)));
    for (int i = 0; i < 13; ++i) {
      rm[i] += (g(i) - rm[i]) * (1.0f - 0.9f);
      rv[i] += (g(i) * g(i) - rv[i]) * (1.0f - 0.999f);
      rw[i] -= (rm[i] * lr_t) / (std::sqrt(rv[i]) + 1e-7f);
    }
    for (int i = 0; i < 13; ++i) {
      CAPTURE(t);
      CAPTURE(i);
      CHECK(w(i) == rw[i]);
    }
  }
}

TEST_CASE("adam keeps epsilon outside the square root, the Keras epsilon-hat form") {
  // A tiny gradient g = 1e-6 makes the two forms differ. Keras, t = 1:
  //   m = 0.1 * 1e-6 = 1e-7;  v = 0.001 * 1e-12 = 1e-15;  sqrt(v) = 3.16228e-8
  //   step = lr_t * m / (sqrt(v) + eps) = 3.16228e-4 * 1e-7 / (3.16228e-8 + 1e-7)
  //        = 3.16228e-11 / 1.316228e-7 = 2.40253e-4
  // The paper's lr * m_hat / (sqrt(v_hat) + eps) would give 0.001 * 1e-6 / 1.1e-6 = 9.0909e-4.
  Adam adam;
  Tensor w = xt::zeros<float>({1}), g = Tensor{1e-6f};
  adam.apply({{"kernel", &w, &g, {}}});
  CHECK(-w(0) == doctest::Approx(2.40253e-4).epsilon(1e-4));
}

TEST_CASE("sgd plain, momentum and nesterov two steps by hand") {
  // lr = 0.1, w = 1, g = 0.5 then -0.25.
  SUBCASE("plain: w -= lr * g") {
    SGD sgd(0.1f);
    Scalar s;
    CHECK(s.step(sgd, 0.5f) == doctest::Approx(0.95));     // 1 - 0.05
    CHECK(s.step(sgd, -0.25f) == doctest::Approx(0.975));  // 0.95 + 0.025
  }
  SUBCASE("momentum 0.9: v = 0.9 v - lr g; w += v") {
    SGD sgd(0.1f, 0.9f);
    Scalar s;
    CHECK(s.step(sgd, 0.5f) == doctest::Approx(0.95));    // v = -0.05
    CHECK(s.step(sgd, -0.25f) == doctest::Approx(0.93));  // v = -0.045 + 0.025 = -0.02
  }
  SUBCASE("nesterov: v = 0.9 v - lr g; w += 0.9 v - lr g") {
    SGD sgd(0.1f, 0.9f, true);
    Scalar s;
    CHECK(s.step(sgd, 0.5f) == doctest::Approx(0.905));    // v = -0.05; w += -0.045 - 0.05
    CHECK(s.step(sgd, -0.25f) == doctest::Approx(0.912));  // v = -0.02; w += -0.018 + 0.025
  }
}

TEST_CASE("rmsprop one step by hand, with epsilon inside the square root") {
  // v = 0.9 * 0 + 0.1 * 0.25 = 0.025
  // w = 1 - 0.001 * 0.5 / sqrt(0.025 + 1e-7) = 1 - 0.0005 / 0.1581142 = 0.99683772866
  RMSprop rms;
  Scalar s;
  CHECK(s.step(rms, 0.5f) == doctest::Approx(0.99683772866).epsilon(1e-7));

  // centered: a = 0.1 * 0.5 = 0.05; denominator = 0.025 - 0.0025 + 1e-7 = 0.0225001
  // w = 1 - 0.0005 / sqrt(0.0225001) = 1 - 0.0005 / 0.15000033 = 0.99666667407
  RMSprop centered(0.001f, 0.9f, 0.0f, 1e-7f, true);
  Scalar c;
  CHECK(c.step(centered, 0.5f) == doctest::Approx(0.99666667407).epsilon(1e-7));

  // momentum 0.9, g = 0.5 then -0.25:
  //   step 1: increment = 0.0031622713; mom = 0.0031622713; w = 0.99683772866
  //   step 2: v = 0.0225 + 0.00625 = 0.02875; increment = -0.00025 / sqrt(0.0287501)
  //           = -0.0014744170; mom = 0.9 * 0.0031622713 - 0.0014744170 = 0.0013716272
  //           w = 0.99683772866 - 0.0013716272 = 0.99546610146
  RMSprop with_momentum(0.001f, 0.9f, 0.9f);
  Scalar m;
  CHECK(m.step(with_momentum, 0.5f) == doctest::Approx(0.99683772866).epsilon(1e-7));
  CHECK(m.step(with_momentum, -0.25f) == doctest::Approx(0.99546610146).epsilon(1e-7));
}

TEST_CASE("optimizer state follows every parameter tensor separately") {
  Adam adam(0.1f);
  Tensor w1{{1.0f, 2.0f}}, g1{{0.5f, 0.5f}}, w2{3.0f}, g2{-0.5f};
  std::vector<Param> params{{"kernel", &w1, &g1, {}}, {"bias", &w2, &g2, {}}};
  adam.apply(params);
  // Adam's first step moves each weight by lr * g / |g| (up to epsilon).
  CHECK(w1(0, 0) == doctest::Approx(0.9));
  CHECK(w1(0, 1) == doctest::Approx(1.9));
  CHECK(w2(0) == doctest::Approx(3.1));
  params.pop_back();
  CHECK_THROWS_AS(adam.apply(params), Error);
}

TEST_CASE("optimizer configs are Keras get_config with the hyper-parameters") {
  CHECK(Adam().config().dump() ==
        R"({"name":"Adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-07,)"
        R"("amsgrad":false})");
  CHECK(SGD(0.1f, 0.9f, true).config().dump() ==
        R"({"name":"SGD","learning_rate":0.1,"momentum":0.9,"nesterov":true})");
  CHECK(RMSprop().config().dump() ==
        R"({"name":"RMSprop","learning_rate":0.001,"rho":0.9,"momentum":0.0,"epsilon":1e-07,)"
        R"("centered":false})");
}

TEST_CASE("optimizer learning rate must be positive and finite") {
  Adam adam;
  adam.set_learning_rate(0.01f);
  CHECK(adam.learning_rate() == 0.01f);
  CHECK_THROWS_WITH_AS(adam.set_learning_rate(-1.0f),
                       "optimizer: learning_rate must be > 0, got -1", Error);
  CHECK_THROWS_AS(adam.set_learning_rate(0.0f), Error);
  CHECK_THROWS_AS(adam.set_learning_rate(std::nanf("")), Error);
  CHECK_THROWS_AS(adam.set_learning_rate(INFINITY), Error);
  CHECK(adam.learning_rate() == 0.01f);
  CHECK_THROWS_AS(SGD(-0.1f), Error);
  CHECK_THROWS_WITH_AS(Adam(0.001f, 1.0f), "optimizer Adam: beta_1 must be in [0, 1), got 1",
                       Error);
  CHECK_THROWS_WITH_AS(SGD(0.01f, 1.5f), "optimizer SGD: momentum must be in [0, 1], got 1.5",
                       Error);
  CHECK_THROWS_AS(RMSprop(0.001f, -0.1f), Error);
}

TEST_CASE("make_optimizer accepts names in any case with Keras defaults") {
  auto adam = make_optimizer("adam");
  CHECK(std::string(adam->class_name()) == "Adam");
  CHECK(adam->learning_rate() == 0.001f);
  CHECK(std::string(make_optimizer("Adam")->class_name()) == "Adam");
  auto sgd = make_optimizer("SGD");
  CHECK(std::string(sgd->class_name()) == "SGD");
  CHECK(sgd->learning_rate() == 0.01f);
  auto rms = make_optimizer("rmsprop");
  CHECK(std::string(rms->class_name()) == "RMSprop");
  CHECK(rms->learning_rate() == 0.001f);
  CHECK(std::string(make_optimizer("RMSprop")->class_name()) == "RMSprop");
  CHECK_THROWS_WITH_AS(make_optimizer("adagrad"),
                       "optimizer: unknown optimizer 'adagrad' (expected adam, sgd or rmsprop)",
                       Error);
  CHECK_THROWS_AS(make_optimizer(Json(3)), Error);
}

TEST_CASE("make_optimizer reads Keras config objects") {
  auto adam = make_optimizer(Json::parse(R"({"class_name": "Adam", "config": {
      "name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.8, "beta_2": 0.99,
      "epsilon": 1e-08, "amsgrad": false, "clipnorm": null, "clipvalue": null,
      "global_clipnorm": null, "weight_decay": null, "use_ema": false, "ema_momentum": 0.99,
      "ema_overwrite_frequency": null, "jit_compile": true, "is_legacy_optimizer": false,
      "loss_scale_factor": null, "gradient_accumulation_steps": null}})"));
  auto& a = dynamic_cast<Adam&>(*adam);
  CHECK(a.learning_rate() == 0.01f);
  CHECK(a.beta_1() == 0.8f);
  CHECK(a.beta_2() == 0.99f);
  CHECK(a.epsilon() == 1e-8f);

  auto legacy = make_optimizer(Json::parse(R"({"class_name": "SGD", "config": {"lr": 0.05,
      "momentum": 0.9, "nesterov": true}})"));
  auto& s = dynamic_cast<SGD&>(*legacy);
  CHECK(s.learning_rate() == 0.05f);
  CHECK(s.momentum() == 0.9f);
  CHECK(s.nesterov());

  auto rms = make_optimizer(Json::parse(R"({"module": "keras.optimizers", "class_name": "RMSprop",
      "config": {"learning_rate": 0.002, "rho": 0.95, "momentum": 0.5, "epsilon": 1e-6,
      "centered": true}, "registered_name": null})"));
  auto& r = dynamic_cast<RMSprop&>(*rms);
  CHECK(r.learning_rate() == 0.002f);
  CHECK(r.rho() == 0.95f);
  CHECK(r.momentum() == 0.5f);
  CHECK(r.epsilon() == 1e-6f);
  CHECK(r.centered());

  // No config: Keras defaults. A config round-trips.
  CHECK(make_optimizer(Json::parse(R"({"class_name": "SGD"})"))->learning_rate() == 0.01f);
  CHECK(make_optimizer(Json{{"class_name", "Adam"}, {"config", Adam(0.02f, 0.5f).config()}})
            ->config() == Adam(0.02f, 0.5f).config());
}

TEST_CASE("make_optimizer rejects unknown arguments, wrong types and bad values by name") {
  auto make = [](const char* text) { return make_optimizer(Json::parse(text)); };
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"beta1": 0.9}})"),
                       "optimizer Adam: unknown argument 'beta1'", Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "SGD", "config": {"amsgrad": false}})"),
                       "optimizer SGD: unknown argument 'amsgrad'", Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"learning_rate": "0.01"}})"),
                       "optimizer Adam: learning_rate must be a number, got \"0.01\"", Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "SGD", "config": {"nesterov": 1}})"),
                       "optimizer SGD: nesterov must be true or false, got 1", Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"learning_rate": -1}})"),
                       "optimizer: learning_rate must be > 0, got -1", Error);
  CHECK_THROWS_AS(make(R"({"class_name": "Adam", "config": {"learning_rate": 0}})"), Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"beta_2": 1.5}})"),
                       "optimizer Adam: beta_2 must be in [0, 1), got 1.5", Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"amsgrad": true}})"),
                       "optimizer Adam: amsgrad is not supported by convlab; set it to false",
                       Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "config": {"clipnorm": 1.0}})"),
                       "optimizer Adam: clipnorm is not supported by convlab (got 1.0); remove "
                       "it or set it to null",
                       Error);
  CHECK_THROWS_AS(make(R"({"class_name": "SGD", "config": {"decay": 0.01}})"), Error);
  CHECK_THROWS_AS(make(R"({"class_name": "SGD", "config": {"weight_decay": 0.004}})"), Error);
  CHECK_THROWS_AS(make(R"({"class_name": "RMSprop", "config": {"use_ema": true}})"), Error);
  CHECK_THROWS_AS(make(R"({"class_name": "Adam", "config": {"learning_rate": 0.1, "lr": 0.1}})"),
                  Error);
  CHECK_THROWS_AS(
      make(
          R"({"class_name": "Adam", "config": {"learning_rate": {"class_name": "ExponentialDecay"}}})"),
      Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Nadam", "config": {}})"),
                       "optimizer: unknown optimizer 'Nadam' (expected adam, sgd or rmsprop)",
                       Error);
  CHECK_THROWS_AS(make(R"({"config": {}})"), Error);
  CHECK_THROWS_AS(make(R"({"class_name": "Adam", "config": []})"), Error);
  CHECK_THROWS_WITH_AS(make(R"({"class_name": "Adam", "conifg": {}})"),
                       "optimizer: unknown key 'conifg' (expected class_name and config)", Error);
}
