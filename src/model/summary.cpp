#include "model/summary.hpp"

#include <vector>

namespace convlab {
namespace {

constexpr std::size_t kLineLength = 65;
const std::vector<std::size_t> kPositions{29, 55, 65};  // int(65 * p) for p in [.45, .85, 1.]

// Keras's print_row: each field starts where the previous one was cut, one space kept before it.
std::string row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line = line.substr(0, line.size() - 1) + " ";
    line += fields[i];
    line = line.substr(0, kPositions[i]);
    line += std::string(kPositions[i] - line.size(), ' ');
  }
  return line + "\n";
}

}  // namespace

std::string thousands(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string summary(Sequential& model) {
  const std::string thin(kLineLength, '_'), thick(kLineLength, '=');
  std::string s = "Model: \"" + model.name() + "\"\n" + thin + "\n";
  s += row({"Layer (type)", "Output Shape", "Param #"}) + thick + "\n";
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer& layer = model.layer(i);
    s += row({layer.name() + " (" + layer.class_name() + ")", keras_shape(model.output_shape(i)),
              std::to_string(model.layer_weight_count(i))});
    s += (i + 1 == model.size() ? thick : thin) + "\n";
  }
  const std::size_t trainable = model.trainable_count(), frozen = model.non_trainable_count();
  s += "Total params: " + thousands(trainable + frozen) + "\n";
  s += "Trainable params: " + thousands(trainable) + "\n";
  s += "Non-trainable params: " + thousands(frozen) + "\n";
  return s + thin + "\n";
}

}  // namespace convlab
