// The header of a NumPy .npy file (what np.save writes, and each member of Keras's .npz files):
//   "\x93NUMPY", major, minor, header length (uint16 LE for version 1, uint32 LE for 2 and 3),
//   then a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
//   padded with spaces and a newline; the array's bytes follow.
// Only the header is parsed here (the caller reads the data in place): numeric dtypes (bool,
// signed and unsigned integers, 32- and 64-bit floats), C order, and a data size that matches the
// shape exactly. Every error names the file and says what was found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace convlab {

struct NpyHeader {
  std::string descr;  // as written, e.g. "|u1", "<f4"
  char kind = 'u';    // 'b' bool, 'i' signed, 'u' unsigned, 'f' float
  std::size_t item_size = 1;
  bool big_endian = false;
  std::vector<std::size_t> shape;
  std::size_t count = 1;        // product of shape (1 for a scalar)
  std::size_t data_offset = 0;  // where the array's bytes start
};

// prefix: the first prefix_size bytes of the file (at least the whole header); file_size: the
// file's full length, which must be data_offset + count * item_size.
NpyHeader parse_npy_header(const uint8_t* prefix, std::size_t prefix_size, std::size_t file_size,
                           const std::string& file);

}  // namespace convlab
