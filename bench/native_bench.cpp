// Native counterpart of bench/run.mjs's convlab rows: trains (train_step, batch 32, adam) and
// predicts (batch 32) one model on the real Fashion-MNIST and prints one JSON line per task:
//   {"task":"train","runs":[img/s, ...]}
// The model comes as Keras/terse JSON on the command line so the presets stay in one place
// (web/lib/presets.mjs). Usage:
//   native_bench <model-json> [data-dir] [min-seconds-per-run] [runs] [warmup-steps] [threads]
// threads: 1 (the default, comparable with the one-thread wasm row) or 2.
// data-dir holds the decompressed train-images-idx3-ubyte / train-labels-idx1-ubyte.
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/thread_pool.hpp"
#include "data/idx.hpp"
#include "trainer.hpp"

using namespace convlab;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs `step` (which handles `per_step` images) until `min_seconds` pass; returns img/s.
template <typename Step>
double timed_run(Step step, std::size_t per_step, double min_seconds) {
  const auto t0 = Clock::now();
  std::size_t images = 0;
  double elapsed = 0.0;
  do {
    step();
    images += per_step;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds);
  return double(images) / elapsed;
}

void print_runs(const char* task, const std::vector<double>& runs) {
  std::printf("{\"task\":\"%s\",\"runs\":[", task);
  for (std::size_t i = 0; i < runs.size(); ++i) std::printf("%s%.1f", i ? "," : "", runs[i]);
  std::printf("]}\n");
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: native_bench <model-json> [data-dir] [seconds] [runs] [warmup] [threads]\n");
    return 2;
  }
  const std::string dir = argc > 2 ? argv[2] : CONVLAB_TEST_DATA;
  const double seconds = argc > 3 ? std::stod(argv[3]) : 1.0;
  const int runs = argc > 4 ? std::stoi(argv[4]) : 5;
  const int warmup = argc > 5 ? std::stoi(argv[5]) : 30;
  set_num_threads(argc > 6 ? std::stoi(argv[6]) : 1);
  constexpr std::size_t batch = 32;

  const auto image_bytes = read_file(dir + "/train-images-idx3-ubyte");
  const auto label_bytes = read_file(dir + "/train-labels-idx1-ubyte");
  IdxImages images = parse_idx_images(image_bytes.data(), image_bytes.size(), "train-images");
  const IdxLabels labels = parse_idx_labels(label_bytes.data(), label_bytes.size(), "train-labels");
  const std::size_t sample = images.rows * images.cols;

  Trainer trainer(argv[1], 1, {images.rows, images.cols, 1});
  trainer.compile("adam", "sparse_categorical_crossentropy");
  std::vector<float> x(batch * sample), targets(labels.labels.begin(), labels.labels.end());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = images.pixels[i] / 255.0f;
  trainer.set_data("train", Dataset::from_bytes(std::move(images.pixels), std::move(targets),
                                                images.count, sample, 1));
  trainer.start_training(batch, true);

  for (int i = 0; i < warmup; ++i) trainer.train_step();
  std::vector<double> train;
  for (int r = 0; r < runs; ++r)
    train.push_back(timed_run([&] { trainer.train_step(); }, batch, seconds));
  print_runs("train", train);

  for (int i = 0; i < warmup; ++i) trainer.predict(x.data(), batch);
  std::vector<double> infer;
  for (int r = 0; r < runs; ++r)
    infer.push_back(timed_run([&] { trainer.predict(x.data(), batch); }, batch, seconds));
  print_runs("infer", infer);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "native_bench: %s\n", e.what());
  return 1;
}
