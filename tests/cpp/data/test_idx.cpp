#include <doctest/doctest.h>

#include <functional>

#include "core/error.hpp"
#include "data/idx.hpp"
#include "error_of.hpp"
#include "test_files.hpp"

using namespace convlab;

using convlab::testing::error_of;

namespace {

std::vector<uint8_t> header(uint32_t magic, std::vector<uint32_t> dims) {
  std::vector<uint8_t> out;
  for (uint32_t v : std::vector<uint32_t>{magic}) dims.insert(dims.begin(), v);
  for (uint32_t v : dims)
    for (int shift : {24, 16, 8, 0}) out.push_back(uint8_t(v >> shift));
  return out;
}

}  // namespace

TEST_CASE("idx parser reads a hand-made 2x3x2 image file and its labels") {
  auto bytes = header(2051, {2, 3, 2});
  for (uint8_t p = 0; p < 12; ++p) bytes.push_back(p * 20);
  const IdxImages images = parse_idx_images(bytes.data(), bytes.size(), "tiny-images");
  CHECK(images.count == 2);
  CHECK(images.rows == 3);
  CHECK(images.cols == 2);
  CHECK(images.pixels[11] == 220);
  auto label_bytes = header(2049, {2});
  label_bytes.push_back(9);
  label_bytes.push_back(0);
  const IdxLabels labels = parse_idx_labels(label_bytes.data(), label_bytes.size(), "tiny-labels");
  CHECK(labels.labels == std::vector<uint8_t>{9, 0});
  CHECK_NOTHROW(check_idx_pair(images, "a", labels, "b"));
}

TEST_CASE("idx parser rejects bad files with a message naming the file") {
  auto images = header(2051, {2, 3, 2});
  images.resize(images.size() + 11);  // one pixel short
  CHECK(error_of([&] { parse_idx_images(images.data(), images.size(), "x.idx"); }) ==
        "x.idx: header says 2 images of 3x2 (12 bytes of pixels) but the file has 11 (truncated)");
  auto labels = header(2049, {3});
  labels.resize(labels.size() + 3);
  CHECK(error_of([&] { parse_idx_images(labels.data(), labels.size(), "l.idx"); }) ==
        "l.idx: wrong magic number 2049 (expected 2051 for IDX images); this looks like a labels "
        "file");
  const std::vector<uint8_t> gz{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0};
  CHECK(error_of([&] {
          parse_idx_images(gz.data(), gz.size(), "g.gz");
        }).find("; the file is still gzip-compressed") != std::string::npos);
  CHECK(error_of([&] { parse_idx_labels(labels.data(), 5, "l.idx"); }) ==
        "l.idx: truncated header (5 bytes; an IDX labels file starts with a 8-byte header)");
  CHECK(error_of([&] { parse_idx_labels(labels.data(), 0, "empty"); }) ==
        "empty: the file is empty");
  labels.push_back(1);
  CHECK(error_of([&] { parse_idx_labels(labels.data(), labels.size(), "l.idx"); }) ==
        "l.idx: header says 3 labels but the file has 4 (extra bytes)");
  IdxImages two;
  two.count = 2;
  CHECK(error_of([&] {
          check_idx_pair(two, "img", IdxLabels{{1, 2, 3}}, "lab");
        }) == "img has 2 images but lab has 3 labels");
}

TEST_CASE("idx parser reads the real Fashion-MNIST test set") {
  const auto img = testing::read_bytes(testing::data_file("t10k-images-idx3-ubyte"));
  const auto lab = testing::read_bytes(testing::data_file("t10k-labels-idx1-ubyte"));
  const IdxImages images = parse_idx_images(img.data(), img.size(), "t10k-images-idx3-ubyte");
  const IdxLabels labels = parse_idx_labels(lab.data(), lab.size(), "t10k-labels-idx1-ubyte");
  CHECK(images.count == 10000);
  CHECK(images.rows == 28);
  CHECK(images.cols == 28);
  // The course: test images 0, 23 and 28 are all ankle boots (class 9).
  CHECK(labels.labels[0] == 9);
  CHECK(labels.labels[23] == 9);
  CHECK(labels.labels[28] == 9);
}
