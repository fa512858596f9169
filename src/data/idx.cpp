#include "data/idx.hpp"

#include "core/error.hpp"

namespace convlab {
namespace {

uint32_t big_endian(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

void check_header(const uint8_t* data, std::size_t size, std::size_t header, uint32_t magic,
                  const char* kind, const std::string& file) {
  if (size == 0) throw Error(file + ": the file is empty");
  if (size < 4)
    throw Error(file + ": truncated header (" + std::to_string(size) + " bytes; an IDX " + kind +
                " file starts with a " + std::to_string(header) + "-byte header)");
  const uint32_t found = big_endian(data);
  if (found != magic) {
    std::string hint;
    if (found == 2049 && magic == 2051) hint = "; this looks like a labels file";
    if (found == 2051 && magic == 2049) hint = "; this looks like an images file";
    if (data[0] == 0x1f && data[1] == 0x8b) hint = "; the file is still gzip-compressed";
    throw Error(file + ": wrong magic number " + std::to_string(found) + " (expected " +
                std::to_string(magic) + " for IDX " + kind + ")" + hint);
  }
  if (size < header)
    throw Error(file + ": truncated header (" + std::to_string(size) + " bytes; an IDX " + kind +
                " file starts with a " + std::to_string(header) + "-byte header)");
}

}  // namespace

IdxShape parse_idx_images_header(const uint8_t* data, std::size_t size, const std::string& file) {
  check_header(data, size, 16, 2051, "images", file);
  IdxShape out;
  out.count = big_endian(data + 4);
  out.rows = big_endian(data + 8);
  out.cols = big_endian(data + 12);
  out.offset = 16;
  if (out.rows == 0 || out.cols == 0 || out.rows > 4096 || out.cols > 4096)
    throw Error(file + ": implausible image size " + std::to_string(out.rows) + "x" +
                std::to_string(out.cols));
  // 64-bit: in wasm size_t is 32 bits and a hostile header could overflow it.
  const uint64_t expected = uint64_t(out.count) * out.rows * out.cols;
  if (uint64_t(size - 16) != expected)
    throw Error(file + ": header says " + std::to_string(out.count) + " images of " +
                std::to_string(out.rows) + "x" + std::to_string(out.cols) + " (" +
                std::to_string(expected) + " bytes of pixels) but the file has " +
                std::to_string(size - 16) +
                (size - 16 < expected ? " (truncated)" : " (extra bytes)"));
  return out;
}

IdxShape parse_idx_labels_header(const uint8_t* data, std::size_t size, const std::string& file) {
  check_header(data, size, 8, 2049, "labels", file);
  IdxShape out;
  out.count = big_endian(data + 4);
  out.offset = 8;
  if (size - 8 != out.count)
    throw Error(file + ": header says " + std::to_string(out.count) + " labels but the file has " +
                std::to_string(size - 8) +
                (size - 8 < out.count ? " (truncated)" : " (extra bytes)"));
  return out;
}

IdxImages parse_idx_images(const uint8_t* data, std::size_t size, const std::string& file) {
  const IdxShape shape = parse_idx_images_header(data, size, file);
  IdxImages out;
  out.count = shape.count;
  out.rows = shape.rows;
  out.cols = shape.cols;
  out.pixels.assign(data + shape.offset, data + size);
  return out;
}

IdxLabels parse_idx_labels(const uint8_t* data, std::size_t size, const std::string& file) {
  const IdxShape shape = parse_idx_labels_header(data, size, file);
  return {std::vector<uint8_t>(data + shape.offset, data + size)};
}

void check_idx_pair(const IdxImages& images, const std::string& images_file,
                    const IdxLabels& labels, const std::string& labels_file) {
  if (images.count != labels.labels.size())
    throw Error(images_file + " has " + std::to_string(images.count) + " images but " +
                labels_file + " has " + std::to_string(labels.labels.size()) + " labels");
}

}  // namespace convlab
