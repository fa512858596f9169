#include "data/npy.hpp"

#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace convlab {
namespace {

// Arrays larger than this are refused before any arithmetic can overflow: 1 TB natively, and
// under wasm32 (a 32-bit size_t) whatever a size_t holds, far past what wasm memory can.
constexpr std::size_t kMaxBytes = sizeof(std::size_t) >= 8
                                      ? std::size_t(uint64_t(1) << 40)
                                      : std::numeric_limits<std::size_t>::max() / 2;

// A cursor over the header's dict literal. Python writes it with repr(), so single quotes,
// True/False, and tuples of ints with an optional trailing comma; nothing else is accepted.
class DictReader {
 public:
  DictReader(const char* text, std::size_t size, const std::string& file)
      : p_(text), end_(text + size), file_(file) {}

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    skip_space();
    if (p_ < end_ && *p_ == c) return ++p_, true;
    return false;
  }
  void expect(char c, const char* what) {
    if (!eat(c)) fail(std::string("expected ") + what);
  }
  bool at(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }
  std::string string() {
    skip_space();
    if (p_ >= end_ || (*p_ != '\'' && *p_ != '"')) fail("expected a quoted string");
    const char quote = *p_++;
    std::string out;
    while (p_ < end_ && *p_ != quote) {
      if (*p_ == '\\') fail("escapes in strings are not supported");
      out += *p_++;
    }
    if (p_ >= end_) fail("unterminated string");
    ++p_;
    return out;
  }
  bool boolean() {
    skip_space();
    if (word("True")) return true;
    if (word("False")) return false;
    fail("expected True or False");
  }
  std::vector<std::size_t> int_tuple() {
    expect('(', "'(' to start the shape");
    std::vector<std::size_t> out;
    while (!eat(')')) {
      skip_space();
      if (p_ >= end_ || *p_ < '0' || *p_ > '9')
        fail("expected a non-negative integer in the shape");
      std::size_t v = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        if (v > kMaxBytes / 10) fail("shape dimension too large");
        v = v * 10 + std::size_t(*p_++ - '0');
      }
      if (p_ < end_ && *p_ == 'L') ++p_;  // Python 2's long suffix
      out.push_back(v);
      if (!eat(',') && !at(')')) fail("expected ',' or ')' in the shape");
      if (out.size() > 32) fail("more than 32 dimensions");
    }
    return out;
  }
  bool done() {
    skip_space();
    return p_ == end_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(file_ + ": not a valid .npy header (" + what + ")");
  }

 private:
  bool word(const char* w) {
    const std::size_t n = std::strlen(w);
    if (std::size_t(end_ - p_) >= n && std::memcmp(p_, w, n) == 0) return p_ += n, true;
    return false;
  }
  const char* p_;
  const char* end_;
  const std::string& file_;
};

uint32_t little_endian(const uint8_t* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

void parse_descr(const std::string& descr, NpyHeader& h, const std::string& file) {
  const auto unsupported = [&](const std::string& why) {
    throw Error(file + ": dtype '" + descr + "' is not supported (" + why +
                "; expected uint8 0-255 or float 0-1 images and integer labels)");
  };
  if (descr.size() >= 2 && descr[1] == 'O') unsupported("an object array, which numpy pickles");
  if (descr.size() < 3) unsupported("not a numeric dtype");
  const char order = descr[0], kind = descr[1];
  if (order != '<' && order != '>' && order != '|' && order != '=')
    unsupported("unknown byte order");
  if (kind != 'b' && kind != 'i' && kind != 'u' && kind != 'f') unsupported("not a numeric dtype");
  std::size_t size = 0;
  for (std::size_t i = 2; i < descr.size(); ++i) {
    if (descr[i] < '0' || descr[i] > '9' || size > 16) unsupported("not a numeric dtype");
    size = size * 10 + std::size_t(descr[i] - '0');
  }
  const bool ok = kind == 'f'   ? (size == 4 || size == 8)
                  : kind == 'b' ? size == 1
                                : (size == 1 || size == 2 || size == 4 || size == 8);
  if (!ok) unsupported(std::to_string(size) + "-byte items");
  h.descr = descr, h.kind = kind, h.item_size = size;
  h.big_endian = order == '>' && size > 1;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

NpyHeader parse_npy_header(const uint8_t* prefix, std::size_t prefix_size, std::size_t file_size,
                           const std::string& file) {
  if (file_size == 0) throw Error(file + ": the file is empty");
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (prefix_size < 6 || std::memcmp(prefix, magic, 6) != 0)
    throw Error(file + ": not a .npy file (it does not start with \\x93NUMPY)");
  if (prefix_size < 10) throw Error(file + ": truncated .npy header");
  const int major = prefix[6];
  if (major < 1 || major > 3)
    throw Error(file + ": .npy format version " + std::to_string(major) + " is not supported");
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t start = 8 + length_bytes;
  if (prefix_size < start) throw Error(file + ": truncated .npy header");
  const std::size_t header_len = little_endian(prefix + 8, int(length_bytes));
  if (header_len > prefix_size - start || start + header_len > file_size)
    throw Error(file + ": truncated .npy header (it says " + std::to_string(header_len) +
                " bytes, the file has " + std::to_string(file_size - start) + " after it)");

  NpyHeader h;
  h.data_offset = start + header_len;
  DictReader r(reinterpret_cast<const char*>(prefix + start), header_len, file);
  bool has_descr = false, has_order = false, has_shape = false, fortran = false;
  r.expect('{', "a dict");
  while (!r.eat('}')) {
    const std::string key = r.string();
    r.expect(':', "':' after a key");
    if (key == "descr") {
      if (r.at('[')) throw Error(file + ": structured dtypes (records) are not supported");
      parse_descr(r.string(), h, file);
      has_descr = true;
    } else if (key == "fortran_order") {
      fortran = r.boolean();
      has_order = true;
    } else if (key == "shape") {
      h.shape = r.int_tuple();
      has_shape = true;
    } else {
      r.fail("unexpected key '" + key + "'");
    }
    if (!r.eat(',') && !r.at('}')) r.fail("expected ',' or '}'");
  }
  if (!r.done()) r.fail("text after the dict");
  if (!has_descr || !has_order || !has_shape)
    r.fail(std::string("missing '") +
           (!has_descr   ? "descr"
            : !has_order ? "fortran_order"
                         : "shape") +
           "'");

  h.count = 1;
  std::size_t long_axes = 0;
  for (std::size_t d : h.shape) {
    if (d != 0 && h.count > kMaxBytes / d)
      throw Error(file + ": shape " + shape_text(h.shape) + " is too large");
    h.count *= d;
    long_axes += d > 1;
  }
  if (h.count > kMaxBytes / h.item_size)
    throw Error(file + ": shape " + shape_text(h.shape) + " is too large");
  // One long axis is laid out the same way in either order.
  if (fortran && long_axes > 1)
    throw Error(file + ": the array " + shape_text(h.shape) +
                " is in Fortran order; save it with np.save(f, np.ascontiguousarray(a))");
  const std::size_t expected = h.count * h.item_size;
  const std::size_t found = file_size - h.data_offset;
  if (found != expected)
    throw Error(file + ": " + (found < expected ? "truncated: " : "") + "the header says " +
                shape_text(h.shape) + " of " + h.descr + " (" + std::to_string(expected) +
                " bytes) but " + std::to_string(found) + " bytes follow it");
  return h;
}

}  // namespace convlab
