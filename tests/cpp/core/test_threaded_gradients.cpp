// Precision under the threaded build: the finite-difference gradient checks with every kernel cut
// between the two threads. chunks_for's threshold is lowered to 0 so that im2col/col2im, pooling
// and the ReLU/bias sweeps split even these small tensors; the layer sizes are chosen so that each
// of GEMM's own splits (along M and along N, for the NN, TN and NT products of forward and
// backward) is taken as well. Without threads compiled in this is the one-thread check again.
#include <doctest/doctest.h>

#include "core/thread_pool.hpp"
#include "gradcheck.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/max_pooling2d.hpp"

using namespace convlab;
using convlab::testing::check_layer_gradients;
using convlab::testing::random_tensor;

namespace {

// Both threads, every kernel split; restores the previous settings however the test exits.
struct SplitEverything {
  SplitEverything() : threads(num_threads()), work(min_parallel_work()), jobs(pool_jobs()) {
    set_num_threads(max_threads());
    set_min_parallel_work(0);
  }
  ~SplitEverything() {
    set_num_threads(threads);
    set_min_parallel_work(work);
  }
  // The pool took jobs exactly when the build has threads.
  void check_pool_used() const { CHECK((pool_jobs() > jobs) == (max_threads() > 1)); }
  int threads;
  long work, jobs;
};

}  // namespace

TEST_CASE("conv2d gradients match finite differences with every kernel split between threads") {
  SplitEverything split;
  for (auto padding : {Padding::valid, Padding::same}) {
    CAPTURE(padding == Padding::same);
    Rng rng(41);
    // 2 images of 10x10x4, 16 filters: forward 128x16x36, weight gradient 36x16x128, input
    // gradient 128x36x16 multiply-adds (valid), each above GEMM's threshold for a split.
    Conv2D layer("conv2d", 16, 3, 3, 1, 1, padding, ActivationFn::tanh);
    layer.build({10, 10, 4}, rng);
    *layer.params()[1].value = random_tensor({16}, rng, -0.5f, 0.5f);
    check_layer_gradients(layer, random_tensor({2, 10, 10, 4}, rng));
  }
  split.check_pool_used();
}

TEST_CASE("dense gradients match finite differences when GEMM splits along N") {
  SplitEverything split;
  Rng rng(43);
  // A batch of 8 against 128 units: C has more column tiles than row tiles, so the forward pass
  // splits along N (each part with its own slice of the bias epilogue).
  Dense layer("dense", 128, ActivationFn::tanh);
  layer.build({64}, rng);
  *layer.params()[1].value = random_tensor({128}, rng, -0.5f, 0.5f);
  check_layer_gradients(layer, random_tensor({8, 64}, rng));
  split.check_pool_used();
}

TEST_CASE("max pooling gradients match finite differences with the pooling kernels split") {
  SplitEverything split;
  for (int stride : {1, 2}) {
    CAPTURE(stride);
    Rng rng(47);
    MaxPooling2D layer("max_pooling2d", 2, 2, stride, stride, Padding::valid);
    layer.build({6, 7, 3}, rng);
    // Distinct values 0.1 apart: the 1e-2 step never changes which input wins a window.
    Tensor x = Tensor::from_shape({3, 6, 7, 3});
    const auto order = rng.permutation(uint32_t(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = 0.1f * float(order[i]) - 3.0f;
    check_layer_gradients(layer, x);
  }
  split.check_pool_used();
}
