#include "data/dataset.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace convlab {
namespace {

void check_sizes(std::size_t samples, std::size_t targets, std::size_t count,
                 std::size_t sample_size, std::size_t target_width) {
  if (count == 0) throw Error("data: the dataset is empty");
  if (samples != count * sample_size)
    throw Error("data: expected " + std::to_string(count) + " samples of " +
                std::to_string(sample_size) + " values (" + std::to_string(count * sample_size) +
                ") but got " + std::to_string(samples) + " values");
  if (targets != count * target_width)
    throw Error("data: expected " + std::to_string(count * target_width) + " target values for " +
                std::to_string(count) + " samples but got " + std::to_string(targets));
}

}  // namespace

Dataset Dataset::from_bytes(std::vector<uint8_t> pixels, std::vector<float> targets,
                            std::size_t count, std::size_t sample_size, std::size_t target_width) {
  check_sizes(pixels.size(), targets.size(), count, sample_size, target_width);
  Dataset d;
  d.bytes_ = std::move(pixels);
  d.targets_ = std::move(targets);
  d.count_ = count, d.sample_size_ = sample_size, d.target_width_ = target_width;
  return d;
}

Dataset Dataset::from_floats(std::vector<float> samples, std::vector<float> targets,
                             std::size_t count, std::size_t sample_size, std::size_t target_width) {
  check_sizes(samples.size(), targets.size(), count, sample_size, target_width);
  Dataset d;
  d.floats_ = std::move(samples);
  d.targets_ = std::move(targets);
  d.count_ = count, d.sample_size_ = sample_size, d.target_width_ = target_width;
  return d;
}

void Dataset::gather(const uint32_t* indices, std::size_t n, float* x, float* y) const {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = indices[i];
    float* dst = x + i * sample_size_;
    if (!bytes_.empty()) {
      const uint8_t* src = bytes_.data() + s * sample_size_;
      for (std::size_t k = 0; k < sample_size_; ++k) dst[k] = float(src[k]) / 255.0f;
    } else {
      std::copy_n(floats_.data() + s * sample_size_, sample_size_, dst);
    }
    std::copy_n(targets_.data() + s * target_width_, target_width_, y + i * target_width_);
  }
}

}  // namespace convlab
