// libFuzzer harness: the IDX parser (data/idx.hpp) on arbitrary bytes. The first byte picks
// images or labels; the rest is the file. Only convlab::Error may come out, and a parse that
// succeeds must describe exactly the bytes it was given.
#include <cstdint>
#include <cstdlib>

#include "core/error.hpp"
#include "data/idx.hpp"

using namespace convlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool images = data[0] & 1;
  const uint8_t* file = data + 1;
  const std::size_t n = size - 1;
  try {
    if (images) {
      const IdxImages out = parse_idx_images(file, n, "fuzz-images");
      if (out.pixels.size() != out.count * out.rows * out.cols || out.pixels.size() + 16 != n)
        std::abort();
      IdxLabels labels{std::vector<uint8_t>(out.count % 7)};
      try {
        check_idx_pair(out, "fuzz-images", labels, "fuzz-labels");
      } catch (const Error&) {
      }
    } else {
      const IdxLabels out = parse_idx_labels(file, n, "fuzz-labels");
      if (out.labels.size() + 8 != n) std::abort();
    }
  } catch (const Error&) {
    // A clear refusal is the expected outcome for most inputs.
  }
  return 0;
}
