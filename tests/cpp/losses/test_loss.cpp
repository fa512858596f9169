#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "gradcheck.hpp"
#include "losses/loss.hpp"

using namespace convlab;
using convlab::testing::random_tensor;

namespace {
constexpr auto sparse = LossKind::sparse_categorical_crossentropy;
constexpr auto categorical = LossKind::categorical_crossentropy;
}  // namespace

TEST_CASE("sparse categorical crossentropy is the batch mean of -log p[label], by hand") {
  const Tensor y{{0.7f, 0.2f, 0.1f}, {0.25f, 0.5f, 0.25f}};
  const float labels[] = {0, 1};
  // (-ln 0.7 - ln 0.5) / 2 = (0.356675 + 0.693147) / 2
  CHECK(loss_forward_backward(sparse, y, labels, nullptr) ==
        doctest::Approx((-std::log(0.7) - std::log(0.5)) / 2).epsilon(1e-6));
  CHECK(loss_forward_backward(sparse, y, labels, nullptr) ==
        doctest::Approx(0.524911).epsilon(1e-5));
}

TEST_CASE("crossentropy divides each row by its sum before the log") {
  const Tensor y{{1.4f, 0.4f, 0.2f}};  // sums to 2: the normalised row is 0.7, 0.2, 0.1
  const float label[] = {0};
  CHECK(loss_forward_backward(sparse, y, label, nullptr) == doctest::Approx(-std::log(0.7)));
}

TEST_CASE("crossentropy clips a zero probability to 1e-7 and passes no gradient through it") {
  const Tensor y{{0.0f, 1.0f, 0.0f}};
  const float label[] = {0};
  Tensor grad;
  // -ln(1e-7) = 16.118
  CHECK(loss_forward_backward(sparse, y, label, &grad) == doctest::Approx(16.118).epsilon(1e-4));
  CHECK(grad.shape()[0] == 1);
  CHECK(grad.shape()[1] == 3);
  CHECK(xt::amax(xt::abs(grad))() == 0.0f);
  // A certain, correct prediction is clipped to 1 - 1e-7: a loss of about 1e-7, not 0.
  const float right[] = {1};
  const double loss = loss_forward_backward(sparse, y, right, nullptr);
  CHECK(loss > 0.0);
  CHECK(loss < 2e-7);
}

TEST_CASE("sparse crossentropy equals categorical crossentropy with one-hot targets") {
  Rng rng(1);
  const Tensor y = random_tensor({5, 4}, rng, 0.01f, 1.0f);
  const float labels[] = {3, 0, 1, 1, 2};
  std::vector<float> one_hot(5 * 4, 0.0f);
  for (int r = 0; r < 5; ++r) one_hot[r * 4 + int(labels[r])] = 1.0f;
  Tensor g_sparse, g_categorical;
  const double l_sparse = loss_forward_backward(sparse, y, labels, &g_sparse);
  const double l_categorical =
      loss_forward_backward(categorical, y, one_hot.data(), &g_categorical);
  CHECK(l_sparse == doctest::Approx(l_categorical).epsilon(1e-12));
  for (std::size_t i = 0; i < g_sparse.size(); ++i)
    CHECK(g_sparse.data()[i] == doctest::Approx(g_categorical.data()[i]).epsilon(1e-6));
}

TEST_CASE("crossentropy gradient matches finite differences through the row normalisation") {
  Rng rng(2);
  const float labels[] = {2, 0, 3};
  // Soft, unnormalised-by-design categorical targets exercise the general formula.
  const std::vector<float> soft = {0.2f, 0.5f, 0.3f, 0.0f, 1.0f, 0.0f,
                                   0.0f, 0.0f, 0.1f, 0.1f, 0.4f, 0.4f};
  for (auto kind : {sparse, categorical}) {
    CAPTURE(loss_name(kind));
    const float* targets = kind == sparse ? labels : soft.data();
    Tensor y = random_tensor({3, 4}, rng, 0.05f, 1.0f);  // positive, rows not summing to 1
    Tensor grad;
    loss_forward_backward(kind, y, targets, &grad);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const float saved = y.data()[i];
      const float up = saved + 1e-3f, down = saved - 1e-3f;
      y.data()[i] = up;
      const double plus = loss_forward_backward(kind, y, targets, nullptr);
      y.data()[i] = down;
      const double minus = loss_forward_backward(kind, y, targets, nullptr);
      y.data()[i] = saved;
      const double numeric = (plus - minus) / (double(up) - double(down));
      CAPTURE(i);
      CHECK(grad.data()[i] == doctest::Approx(numeric).epsilon(1e-3).scale(1e-3));
    }
  }
}

TEST_CASE("sparse crossentropy rejects labels that are not class indices, naming index and value") {
  const Tensor y = xt::ones<float>({4, 10});
  const float out_of_range[] = {0, 1, 2, 12};
  CHECK_THROWS_WITH_AS(loss_forward_backward(sparse, y, out_of_range, nullptr),
                       "labels: label 12 at index 3 is outside [0, 10)", Error);
  const float negative[] = {-1, 1, 2, 3};
  CHECK_THROWS_WITH_AS(loss_forward_backward(sparse, y, negative, nullptr),
                       "labels: label -1 at index 0 is outside [0, 10)", Error);
  const float fractional[] = {0, 2.5f, 2, 3};
  CHECK_THROWS_WITH_AS(loss_forward_backward(sparse, y, fractional, nullptr),
                       "labels: label 2.5 at index 1 is not an integer class index", Error);
  const float not_a_number[] = {0, 1, std::nanf(""), 3};
  CHECK_THROWS_AS(loss_forward_backward(sparse, y, not_a_number, nullptr), Error);
}

TEST_CASE("loss count_correct uses argmax with the first index winning ties") {
  const Tensor y{{0.4f, 0.4f, 0.2f}, {0.1f, 0.3f, 0.6f}, {0.5f, 0.2f, 0.3f}};
  const float labels[] = {0, 2, 1};
  CHECK(count_correct(sparse, y, labels) == 2);
  const float tie_second[] = {1, 2, 0};
  CHECK(count_correct(sparse, y, tie_second) == 2);  // rows 1 and 2; the tie picks class 0
  const float one_hot[] = {1, 0, 0, 0, 0, 1, 0, 1, 0};
  CHECK(count_correct(categorical, y, one_hot) == 2);
}

TEST_CASE("loss names map to kinds and unknown names are rejected") {
  CHECK(loss_from_name("sparse_categorical_crossentropy") == sparse);
  CHECK(loss_from_name("SparseCategoricalCrossentropy") == sparse);
  CHECK(loss_from_name("categorical_crossentropy") == categorical);
  CHECK(loss_from_name("CategoricalCrossentropy") == categorical);
  CHECK(std::string(loss_name(sparse)) == "sparse_categorical_crossentropy");
  CHECK(std::string(loss_name(categorical)) == "categorical_crossentropy");
  CHECK_THROWS_WITH_AS(loss_from_name("mse"),
                       "loss: unknown loss 'mse' (expected sparse_categorical_crossentropy, "
                       "categorical_crossentropy or binary_crossentropy)",
                       Error);
}

TEST_CASE("binary crossentropy by hand, Keras's clipping, and its gradient by finite differences") {
  constexpr auto binary = LossKind::binary_crossentropy;
  CHECK(loss_from_name("binary_crossentropy") == binary);
  CHECK(loss_from_name("BinaryCrossentropy") == binary);
  Tensor y = Tensor::from_shape({3, 1});
  y(0, 0) = 0.9f, y(1, 0) = 0.2f, y(2, 0) = 1.0f;
  const float t[] = {1, 1, 0};
  // (-ln 0.9 - ln 0.2 - ln(1 - (1 - 1e-7))) / 3: the 1.0 is clipped to 1 - 1e-7 (in float32).
  const double clipped = 1.0 - double(1.0f - 1e-7f);
  Tensor grad;
  CHECK(loss_forward_backward(binary, y, t, &grad) ==
        doctest::Approx((-std::log(0.9) - std::log(0.2) - std::log(clipped)) / 3).epsilon(1e-5));
  CHECK(grad.data()[2] == 0.0f);  // outside the clip range: flat
  CHECK(grad.data()[0] == doctest::Approx(-1.0 / (3 * 0.9)).epsilon(1e-5));
  CHECK(count_correct(binary, y, t) == 1.0);  // 0.9 > 0.5 right; 0.2 and 1.0 wrong
  const float bad[] = {1, 2, 0};
  CHECK_THROWS_WITH_AS(loss_forward_backward(binary, y, bad, nullptr),
                       "labels: binary_crossentropy target 2 at index 1 is outside [0, 1]", Error);

  Rng rng(5);
  Tensor p = random_tensor({3, 2}, rng, 0.05f, 0.95f);
  const float soft[] = {1, 0, 0.3f, 1, 0, 0.5f};
  CHECK(count_correct(binary, p, soft) >= 0.0);
  loss_forward_backward(binary, p, soft, &grad);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const float saved = p.data()[i];
    p.data()[i] = saved + 1e-3f;
    const double plus = loss_forward_backward(binary, p, soft, nullptr);
    p.data()[i] = saved - 1e-3f;
    const double minus = loss_forward_backward(binary, p, soft, nullptr);
    p.data()[i] = saved;
    const double numeric = (plus - minus) / (double(saved + 1e-3f) - double(saved - 1e-3f));
    CAPTURE(i);
    CHECK(grad.data()[i] == doctest::Approx(numeric).epsilon(1e-3).scale(1e-3));
  }
}
