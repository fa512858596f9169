// Where a training step's time goes, layer by layer (native build): forward and backward of each
// layer, the loss and the optimizer, in ms per step, the best of several repetitions (the host's
// other tenants only ever slow a repetition down). Usage:
//   layer_profile <model-json> [threads] [steps-per-repetition] [repetitions]
// Prints one JSON line per layer, then one for the whole step. Batch 32, adam, inputs 28x28x1
// in a fixed pattern (timings do not depend on the pixel values). bench/layers.mjs runs it on
// the presets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "core/thread_pool.hpp"
#include "losses/loss.hpp"
#include "optimizers/optimizer.hpp"
#include "trainer.hpp"

using namespace convlab;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: layer_profile <model-json> [threads] [steps] [repetitions]\n");
    return 2;
  }
  set_num_threads(argc > 2 ? std::stoi(argv[2]) : 1);
  const int steps = argc > 3 ? std::stoi(argv[3]) : 300;
  const int repetitions = argc > 4 ? std::stoi(argv[4]) : 3;
  constexpr std::size_t batch = 32;

  Trainer trainer(argv[1], 1, {28, 28, 1});
  Sequential& model = trainer.model();
  auto optimizer = make_optimizer(Json("adam"));
  Tensor x = Tensor::from_shape({batch, 28, 28, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float(i * 7919 % 255) / 255.0f;
  std::vector<float> labels(batch);
  for (std::size_t i = 0; i < batch; ++i) labels[i] = float(i % 10);
  Tensor dy;

  const std::size_t layers = model.size();
  // best[r] per column: forward of each layer, backward of each layer, loss, optimizer.
  std::vector<double> best(2 * layers + 2, 1e300);
  for (int r = -1; r < repetitions; ++r) {  // r = -1: warm-up
    std::vector<double> sum(best.size(), 0.0);
    for (int s = 0; s < steps; ++s) {
      const Tensor* h = &x;
      for (std::size_t l = 0; l < layers; ++l) {
        const auto t0 = Clock::now();
        h = &model.layer(l).forward(*h, Mode::training);
        sum[l] += ms_since(t0);
      }
      auto t0 = Clock::now();
      loss_forward_backward(LossKind::sparse_categorical_crossentropy, *h, labels.data(), &dy);
      sum[2 * layers] += ms_since(t0);
      const Tensor* d = &dy;
      for (std::size_t l = layers; l-- > 0;) {
        const auto t1 = Clock::now();
        d = &model.layer(l).backward(*d);
        sum[layers + l] += ms_since(t1);
      }
      t0 = Clock::now();
      optimizer->apply(model.params());
      sum[2 * layers + 1] += ms_since(t0);
    }
    if (r < 0) continue;
    for (std::size_t i = 0; i < best.size(); ++i) best[i] = std::min(best[i], sum[i] / steps);
  }
  double total = best[2 * layers] + best[2 * layers + 1];
  for (std::size_t l = 0; l < layers; ++l) {
    std::printf("{\"layer\":\"%s\",\"forward_ms\":%.4f,\"backward_ms\":%.4f}\n",
                model.layer(l).name().c_str(), best[l], best[layers + l]);
    total += best[l] + best[layers + l];
  }
  std::printf(
      "{\"layer\":\"(step)\",\"loss_ms\":%.4f,\"optimizer_ms\":%.4f,\"total_ms\":%.4f,"
      "\"threads\":%d}\n",
      best[2 * layers], best[2 * layers + 1], total, num_threads());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "layer_profile: %s\n", e.what());
  return 1;
}
