// Reading test files (fixtures, the decompressed dataset); works natively and, through
// NODERAWFS, in the wasm test runner.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace convlab::testing {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string read_text(const std::string& path) {
  const auto bytes = read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

inline std::string fixture(const std::string& name) {
  return read_text(std::string(CONVLAB_FIXTURES) + "/" + name);
}

inline std::string data_file(const std::string& name) {
  return std::string(CONVLAB_TEST_DATA) + "/" + name;
}

}  // namespace convlab::testing
