// Errors are exceptions carrying one readable line that names the file, layer or field at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace convlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace convlab
