#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/npy.hpp"
#include "error_of.hpp"

using namespace convlab;

using convlab::testing::error_of;

namespace {

// np.save's layout: magic, version, little-endian header length, the dict padded to a multiple
// of 64 bytes with spaces and a newline, then data_bytes bytes of data.
std::vector<uint8_t> npy(const std::string& dict, std::size_t data_bytes, int version = 1) {
  const std::size_t pre = version == 1 ? 10 : 12;
  std::string header = dict;
  while ((pre + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(version), 0};
  const std::size_t n = header.size();
  out.push_back(uint8_t(n));
  out.push_back(uint8_t(n >> 8));
  if (version != 1) out.push_back(uint8_t(n >> 16)), out.push_back(uint8_t(n >> 24));
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + data_bytes, 7);
  return out;
}

std::string parse_error(const std::vector<uint8_t>& b) {
  return error_of([&] { parse_npy_header(b.data(), b.size(), b.size(), "a.npy"); });
}

}  // namespace

TEST_CASE("npy header: uint8 images, float32, int64 labels, version 2, scalars") {
  auto b = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), }", 3 * 784);
  NpyHeader h = parse_npy_header(b.data(), b.size(), b.size(), "x_train.npy");
  CHECK(h.descr == "|u1");
  CHECK(h.kind == 'u');
  CHECK(h.item_size == 1);
  CHECK(h.shape == std::vector<std::size_t>{3, 28, 28});
  CHECK(h.count == 3 * 784);
  CHECK(h.data_offset == 128);
  b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, 2);
  h = parse_npy_header(b.data(), b.size(), b.size(), "f.npy");
  CHECK(h.kind == 'f');
  CHECK(h.item_size == 4);
  CHECK(h.data_offset == b.size() - 8);
  b = npy("{\"descr\": \">i8\", \"shape\": (5L,), \"fortran_order\": False}", 40);
  h = parse_npy_header(b.data(), b.size(), b.size(), "py2.npy");
  CHECK(h.big_endian);
  CHECK(h.count == 5);
  b = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", 1);
  CHECK(parse_npy_header(b.data(), b.size(), b.size(), "s.npy").count == 1);
  // A one-axis array is the same bytes in Fortran order.
  b = npy("{'descr': '|u1', 'fortran_order': True, 'shape': (4, 1), }", 4);
  CHECK_NOTHROW(parse_npy_header(b.data(), b.size(), b.size(), "f.npy"));
  // The caller may pass only the file's first bytes.
  b = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1000,), }", 1000);
  CHECK(parse_npy_header(b.data(), 200, b.size(), "big.npy").count == 1000);
}

TEST_CASE("npy header errors name the file and say what was found") {
  CHECK(parse_error(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", 6)) ==
        "a.npy: the array (2, 3) is in Fortran order; save it with np.save(f, "
        "np.ascontiguousarray(a))");
  CHECK(parse_error(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", 24)) ==
        "a.npy: dtype '<U3' is not supported (not a numeric dtype; expected uint8 0-255 or float "
        "0-1 images and integer labels)");
  CHECK(parse_error(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16))
            .find("an object array, which numpy pickles") != std::string::npos);
  CHECK(parse_error(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 4))
            .find("2-byte items") != std::string::npos);
  CHECK(parse_error(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", 5)) ==
        "a.npy: truncated: the header says (2, 3) of |u1 (6 bytes) but 5 bytes follow it");
  CHECK(parse_error(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", 3)) ==
        "a.npy: the header says (2,) of |u1 (2 bytes) but 3 bytes follow it");
  CHECK(parse_error(npy("{'descr': '|u1', 'shape': (2,), }", 2)) ==
        "a.npy: not a valid .npy header (missing 'fortran_order')");
  CHECK(parse_error(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8)) ==
        "a.npy: structured dtypes (records) are not supported");
  CHECK(parse_error(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (-2,), }", 2))
            .find("expected a non-negative integer") != std::string::npos);
  CHECK(parse_error(npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", 0)) ==
        "a.npy: shape (100000, 100000, 100000) is too large");
  const std::vector<uint8_t> zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0};
  CHECK(parse_error(zip) == "a.npy: not a .npy file (it does not start with \\x93NUMPY)");
  CHECK(parse_error({}) == "a.npy: the file is empty");
  auto cut = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", 2);
  cut.resize(40);
  CHECK(parse_error(cut).find("truncated .npy header") == 0 + std::string("a.npy: ").size());
}
