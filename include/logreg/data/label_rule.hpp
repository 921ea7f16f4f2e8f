// Which labels a text file may hold (`logreg_data convert --labels`) and how they are stored:
// binary 0/1 or -1/+1 (-1 stored as 0), integer classes 0, 1, 2, ... stored as they are, or, in a
// CSV file, strings stored as their index among the column's distinct labels in byte order.
// true/false and yes/no (any case) are the labels 1/0.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "logreg/io/dataset.hpp"

namespace logreg::data {

// auto: numbers are 0/1, -1/+1 or classes; a CSV column whose first label is not a number is
// read as strings. binary: 0/1 or -1/+1 only. classes: integers >= 0 (or strings, as auto).
// strings (CSV only): every label is a string, "1" included.
enum class LabelChoice { Auto, Binary, Classes, Strings };

// The most distinct string labels a CSV column may hold: more is taken for a wrong column.
constexpr size_t kMaxStringLabels = 65536;

struct LabelRule {
  LabelChoice choice = LabelChoice::Auto;
  bool csv = false;      // the input is CSV (string labels are possible)
  bool strings = false;  // this column's labels are strings
  // String labels, writing pass: the sorted distinct labels the first pass found; a label is
  // stored as its index here. Null in the first pass, which collects them.
  const std::vector<std::string>* names = nullptr;

  // Whether a numeric label is allowed: Binary 0, 1, -1; Classes integers in [0, kMaxClassLabel];
  // Auto either.
  bool accepts(double v) const {
    if (choice == LabelChoice::Binary) return v == 0.0 || v == 1.0 || v == -1.0;
    if (v == -1.0) return choice == LabelChoice::Auto;
    return v >= 0.0 && v <= kMaxClassLabel && v == std::floor(v);
  }
  // How an allowed numeric label is stored: -1 (and -0) as 0, any other as it is.
  static double stored(double v) { return v == -1.0 || v == 0.0 ? 0.0 : v; }

  // "bad label 'TOKEN' (expected ...)" for a token this rule refuses.
  std::string bad_label_message(std::string_view token) const;
};

// A label token as a number: any numeric spelling (finite), or true/false and yes/no in any case
// as 1/0.
bool parse_label_number(std::string_view token, double& value);

// The message, without "file:line: ", for a label that breaks the convention of the lines
// before it: a 0 after -1 (or the reverse), or -1 together with a class >= 2 (`after_classes`:
// the earlier labels held a class >= 2, not a 0).
std::string mixed_label_message(double value, bool after_classes = false);

}  // namespace logreg::data
