// IDX files (the MNIST / Fashion-MNIST format), uncompressed bytes; gzip is the caller's job.
//   images: magic 2051 (0x00000803), big-endian count, rows, cols, then count*rows*cols bytes
//   labels: magic 2049 (0x00000801), big-endian count, then count bytes
// Every error names the file and says what is wrong with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace convlab {

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // count * rows * cols, row-major
};

struct IdxLabels {
  std::vector<uint8_t> labels;
};

// The header alone: `data` holds the file's first min(16, file_size) bytes (8 for labels) and
// file_size is the whole file's length. The page parses its 47 MB Fashion-MNIST this way and keeps
// the pixels where they are, so they never pass through (and grow) the wasm heap.
struct IdxShape {
  std::size_t count = 0, rows = 0, cols = 0;  // rows = cols = 0 for labels
  std::size_t offset = 0;                     // where the samples start: 16 or 8
};
IdxShape parse_idx_images_header(const uint8_t* data, std::size_t file_size,
                                 const std::string& file);
IdxShape parse_idx_labels_header(const uint8_t* data, std::size_t file_size,
                                 const std::string& file);

IdxImages parse_idx_images(const uint8_t* data, std::size_t size, const std::string& file);
IdxLabels parse_idx_labels(const uint8_t* data, std::size_t size, const std::string& file);

// Throws when the two files do not hold the same number of samples.
void check_idx_pair(const IdxImages& images, const std::string& images_file,
                    const IdxLabels& labels, const std::string& labels_file);

}  // namespace convlab
