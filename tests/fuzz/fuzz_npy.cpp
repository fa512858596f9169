// libFuzzer harness: the .npy header parser (data/npy.hpp) on arbitrary bytes, given the whole
// input as both prefix and file. Only convlab::Error may come out, and a header that parses must
// describe exactly the bytes after it.
#include <cstdint>
#include <cstdlib>

#include "core/error.hpp"
#include "data/npy.hpp"

using namespace convlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    const NpyHeader h = parse_npy_header(data, size, size, "fuzz.npy");
    std::size_t count = 1;
    for (std::size_t d : h.shape) count *= d;
    if (count != h.count || h.data_offset > size || size - h.data_offset != h.count * h.item_size)
      std::abort();
    // A shorter prefix (a caller that reads only the first bytes) must agree or refuse.
    if (size > 1) {
      try {
        const NpyHeader again = parse_npy_header(data, size / 2, size, "fuzz.npy");
        if (again.data_offset != h.data_offset || again.count != h.count) std::abort();
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
