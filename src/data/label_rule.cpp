// The label rules of `logreg_data convert` (label_rule.hpp): their messages and the reading of a
// label token as a number.
#include "logreg/data/label_rule.hpp"

#include <charconv>

#include "logreg/data/text_input.hpp"

namespace logreg::data {

namespace {

bool equals_lowercase(std::string_view token, std::string_view word) {
  if (token.size() != word.size()) return false;
  for (size_t i = 0; i < token.size(); ++i) {
    const char c = token[i] >= 'A' && token[i] <= 'Z' ? static_cast<char>(token[i] + 32) : token[i];
    if (c != word[i]) return false;
  }
  return true;
}

std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

bool parse_label_number(std::string_view token, double& value) {
  if (parse_double(token, value)) return true;
  if (equals_lowercase(token, "true")) return value = 1.0, true;
  if (equals_lowercase(token, "false")) return value = 0.0, true;
  if (equals_lowercase(token, "yes")) return value = 1.0, true;
  if (equals_lowercase(token, "no")) return value = 0.0, true;
  return false;
}

std::string LabelRule::bad_label_message(std::string_view token) const {
  std::string m = "bad label '" + std::string(token) + "' (expected ";
  switch (choice) {
    case LabelChoice::Binary:
      m += "0/1 or -1/+1";
      break;
    case LabelChoice::Classes:
      m += "a class 0, 1, 2, ...";
      break;
    default:
      m += "0/1, -1/+1 or a class 0, 1, 2, ...";
  }
  double v = 0;
  if (csv && choice != LabelChoice::Binary && !token.empty() && !parse_label_number(token, v)) {
    m += "; the column's first label is a number, so its labels are read as numbers: "
         "--labels strings reads them all as strings";
  }
  return m + ")";
}

std::string mixed_label_message(double value, bool after_classes) {
  if (value == 0.0) {
    return "label 0 in a file whose earlier labels use -1/+1; use one convention (0/1 or -1/+1)";
  }
  if (value == -1.0 && !after_classes) {
    return "label -1 in a file whose earlier labels use 0/1; use one convention (0/1 or -1/+1)";
  }
  const std::string tail = "; -1 belongs to -1/+1 files only, class labels are 0, 1, 2, ...";
  if (value == -1.0) return "label -1 in a file whose earlier labels include classes >= 2" + tail;
  return "label " + number_text(value) + " in a file whose earlier labels use -1/+1" + tail;
}

}  // namespace logreg::data
