// Training data held inside the engine, so a training step needs no copy across the JS
// boundary. Pixels are kept as bytes (47 MB for Fashion-MNIST instead of 188 MB of floats)
// and scaled by 1/255 as each batch is gathered, as the course's `images / 255.0` does; float
// samples (already scaled, or augmented) are kept as given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace convlab {

class Dataset {
 public:
  Dataset() = default;
  // sample_size floats (or bytes) per sample; target_width = 1 for sparse labels, C for one-hot.
  static Dataset from_bytes(std::vector<uint8_t> pixels, std::vector<float> targets,
                            std::size_t count, std::size_t sample_size, std::size_t target_width);
  static Dataset from_floats(std::vector<float> samples, std::vector<float> targets,
                             std::size_t count, std::size_t sample_size, std::size_t target_width);

  std::size_t size() const { return count_; }
  std::size_t sample_size() const { return sample_size_; }
  std::size_t target_width() const { return target_width_; }
  const std::vector<float>& targets() const { return targets_; }

  // Copies samples indices[0..n) into x (n * sample_size) and their targets into y.
  void gather(const uint32_t* indices, std::size_t n, float* x, float* y) const;

 private:
  std::vector<uint8_t> bytes_;
  std::vector<float> floats_;
  std::vector<float> targets_;
  std::size_t count_ = 0, sample_size_ = 0, target_width_ = 1;
};

}  // namespace convlab
